/* The unlock code of scalpsite's encrypted output; the format is in docs/encryption.md.
   Plain JS and WebCrypto only: no crypto library and no network request. Payloads arrive as
   same-origin script files that register themselves (or as data blocks inside a bundle),
   because browsers refuse fetch() of local files. Pages are decrypted and shown inside this
   one document, so the key, kept in sessionStorage for the tab, is asked for only once. */
(function () {
  "use strict";

  var params = JSON.parse(document.getElementById("scalpsite-vault").textContent);
  var ORIGIN = "https://vault.invalid";  // a stand-in origin to resolve the build's relative links
  var AAD = "scalpsite-vault/1/";
  var SLOT = "scalpsite-vault-key:" + (params.kdf ? params.kdf.salt : "plain");
  var form = document.getElementById("vault-form");
  var input = document.getElementById("vault-password");
  var submit = document.getElementById("vault-submit");
  var statusBox = document.getElementById("vault-status");
  var arrived = {};   // id -> base64 text of a payload not yet asked for (or a bundle's)
  var waiting = {};   // id -> callbacks of the loads waiting for that payload
  var scriptsInline = {};
  var key = null, manifest = null, byPath = {}, byId = {}, blobs = {}, current = null;
  var routing = 0;  // counts navigations, so that a slow page never replaces a later one

  function Problem(kind, id) {
    this.kind = kind;
    this.id = id;
  }

  function setStatus(text, isError) {
    var box = document.getElementById("vault-status") || statusBox;
    box.textContent = text;
    box.className = "vault-status" + (isError ? " is-error" : "");
  }

  function describe(error) {
    if (!(error instanceof Problem)) {
      return "These pages could not be opened: " + (error && error.message ? error.message : error);
    }
    if (params.store !== "files") {
      return "This file is damaged (part " + error.id + " cannot be read). Ask for a new copy.";
    }
    return "A file of these pages is " + error.kind + " (p/" + error.id + ".js). Copy the whole folder again.";
  }

  // ---------- payloads ----------

  function receive(entry) {
    var callbacks = waiting[entry[0]];
    delete waiting[entry[0]];
    if (callbacks) {
      callbacks.forEach(function (done) { done(entry[1]); });
    } else {
      arrived[entry[0]] = entry[1];
    }
  }

  var early = self.scalpsiteVault || [];
  self.scalpsiteVault = { push: receive };
  early.forEach(receive);
  Array.prototype.forEach.call(document.querySelectorAll("script[data-vault-id]"), function (el) {
    arrived[el.getAttribute("data-vault-id")] = el.textContent.trim();
    el.remove();
  });
  Array.prototype.forEach.call(document.querySelectorAll("script[data-vault-script]"), function (el) {
    scriptsInline[el.getAttribute("data-vault-script")] = el.textContent;
    el.remove();
  });

  function payload(id) {
    if (params.store === "inline") {
      return id in arrived ? Promise.resolve(arrived[id]) : Promise.reject(new Problem("missing", id));
    }
    if (id in arrived) {
      var text = arrived[id];
      delete arrived[id];
      return Promise.resolve(text);
    }
    return new Promise(function (resolve, reject) {
      var settled = false;
      var tag = document.createElement("script");
      (waiting[id] = waiting[id] || []).push(function (text) { settled = true; resolve(text); });
      tag.src = "p/" + id + ".js";
      tag.onload = function () { tag.remove(); if (!settled) { reject(new Problem("damaged", id)); } };
      tag.onerror = function () { tag.remove(); delete waiting[id]; reject(new Problem("missing", id)); };
      document.head.appendChild(tag);
    });
  }

  function fromBase64(text) {
    var binary = atob(text);
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i += 1) { bytes[i] = binary.charCodeAt(i); }
    return bytes;
  }

  function toBase64(buffer) {
    return btoa(String.fromCharCode.apply(null, new Uint8Array(buffer)));
  }

  function decrypt(id, text) {
    var data;
    try { data = fromBase64(text); } catch (e) { return Promise.reject(new Problem("damaged", id)); }
    if (!key) { return Promise.resolve(data.buffer); }
    return crypto.subtle.decrypt(
      { name: "AES-GCM", iv: data.subarray(0, 12), additionalData: new TextEncoder().encode(AAD + id) },
      key, data.subarray(12));
  }

  function open(id) {
    return payload(id).then(function (text) {
      return decrypt(id, text).catch(function () { throw new Problem("damaged", id); });
    });
  }

  function asText(buffer) {
    return new TextDecoder("utf-8").decode(buffer);
  }

  function blobFor(id) {
    if (!blobs[id]) {
      blobs[id] = open(id).then(function (buffer) {
        if (byId[id].type === "text/css") { return styleSheet(id, asText(buffer)); }
        return URL.createObjectURL(new Blob([buffer], { type: byId[id].type }));
      });
    }
    return blobs[id];
  }

  // A style sheet's url(...) references would resolve against its blob: address and find
  // nothing, so each one that names a file of the build points at that file's blob instead.
  var CSS_URL = /url\(\s*(['"]?)([^'")]+)\1\s*\)/g;
  var needs = {};  // id of a style sheet -> ids of the files its url(...) references use

  function styleSheet(id, css) {
    var found = [];
    css.replace(CSS_URL, function (match, quote, href) {
      var target = resolve(href.trim(), byId[id].path);
      var file = target && byPath[target.path];
      if (file && file.type !== "text/css" && found.indexOf(file.id) < 0) { found.push(file.id); }
      return match;
    });
    needs[id] = found;
    return Promise.all(found.map(blobFor)).then(function (urls) {
      var text = css.replace(CSS_URL, function (match, quote, href) {
        var target = resolve(href.trim(), byId[id].path);
        var at = target && byPath[target.path] ? found.indexOf(byPath[target.path].id) : -1;
        return at < 0 ? match : 'url("' + urls[at] + '")';
      });
      return URL.createObjectURL(new Blob([text], { type: "text/css" }));
    });
  }

  function release(keep) {
    Object.keys(blobs).forEach(function (id) {
      if (!keep[id]) {
        blobs[id].then(URL.revokeObjectURL, function () {});
        delete blobs[id];
      }
    });
  }

  // ---------- the key ----------

  function deriveBits(password) {
    var raw = new TextEncoder().encode(password.normalize("NFC"));
    return crypto.subtle.importKey("raw", raw, "PBKDF2", false, ["deriveBits"]).then(function (base) {
      return crypto.subtle.deriveBits({ name: "PBKDF2", hash: "SHA-256", salt: fromBase64(params.kdf.salt),
                                        iterations: params.kdf.iterations }, base, 256);
    });
  }

  function readManifest() {
    return payload(params.manifest).then(function (text) {
      return decrypt(params.manifest, text).then(function (buffer) {
        manifest = JSON.parse(asText(buffer));
        manifest.files.forEach(function (f) { byPath[f.path] = f; byId[f.id] = f; });
      });
    });
  }

  function tryKey(bits) {
    return crypto.subtle.importKey("raw", bits, { name: "AES-GCM" }, false, ["decrypt"]).then(function (k) {
      key = k;
      return readManifest();
    }).catch(function (error) { key = null; throw error; });
  }

  function remember(bits) {
    try { sessionStorage.setItem(SLOT, toBase64(bits)); } catch (e) { /* storage off: ask per load */ }
  }

  function recalled() {
    try { return sessionStorage.getItem(SLOT); } catch (e) { return null; }
  }

  function forget() {
    try { sessionStorage.removeItem(SLOT); } catch (e) { /* nothing kept */ }
  }

  function busy(on) {
    submit.disabled = on;
    input.disabled = on;
  }

  function unlock(password) {
    busy(true);
    setStatus("Unlocking… this takes a moment.");
    return deriveBits(password).then(function (bits) {
      return tryKey(bits).then(function () { remember(bits); route(); }, function (error) {
        busy(false);
        if (error instanceof Problem) {
          setStatus(describe(error), true);
        } else {
          setStatus("Wrong password: nothing was decrypted. Check it and try again.", true);
        }
        input.focus();
      });
    });
  }

  function linkPassword() {
    var match = /^#password=(.*)$/.exec(location.hash);
    if (!match) { return null; }
    try {
      history.replaceState(null, "", location.href.split("#")[0]);
    } catch (e) {
      location.hash = "";
    }
    try { return decodeURIComponent(match[1]); } catch (e) { return match[1]; }
  }

  // ---------- pages ----------

  function resolve(href, base) {
    var url;
    if (href === null) { return null; }
    try { url = new URL(href, ORIGIN + "/" + base); } catch (e) { return null; }
    if (url.origin !== ORIGIN) { return null; }
    try {
      return { path: decodeURIComponent(url.pathname.slice(1)), anchor: decodeURIComponent(url.hash.slice(1)) };
    } catch (e) {
      return null;
    }
  }

  function hashFor(id, anchor) {
    return "#/" + id + (anchor ? "/" + encodeURIComponent(anchor) : "");
  }

  function rewrite(root, base) {
    var images = [];
    // The session pickers of an angle page load photos by address; here every photo is an
    // encrypted file, so the page keeps its fixed pair (baseline and latest) instead.
    Array.prototype.forEach.call(root.querySelectorAll(".compare-pickers"), function (el) { el.remove(); });
    Array.prototype.forEach.call(root.querySelectorAll("a[href]"), function (a) {
      var target = resolve(a.getAttribute("href"), base);
      var file = target && byPath[target.path];
      if (file) {
        a.setAttribute("href", hashFor(file.id, target.anchor));
      } else if (!target) {
        a.setAttribute("rel", "noopener noreferrer");
      }
    });
    Array.prototype.forEach.call(root.querySelectorAll("img[src]"), function (img) {
      var target = resolve(img.getAttribute("src"), base);
      var file = target && byPath[target.path];
      if (file) {
        img.removeAttribute("src");
        img.removeAttribute("loading");
        images.push([img, file.id]);
      }
    });
    return images;
  }

  function collect(doc, selector, attribute, base, known) {
    var found = [];
    Array.prototype.forEach.call(doc.querySelectorAll(selector), function (el) {
      var target = resolve(el.getAttribute(attribute), base);
      if (target && known(target.path)) { found.push(target.path); }
    });
    return found;
  }

  function stylesheet(url) {
    return new Promise(function (done) {
      var link = document.createElement("link");
      link.rel = "stylesheet";
      link.href = url;
      link.setAttribute("data-vault-style", "");
      link.onload = link.onerror = function () { done(link); };
      document.head.appendChild(link);
    });
  }

  function install(doc, id, links, scripts) {
    Array.prototype.forEach.call(document.querySelectorAll("link[data-vault-style]"), function (old) {
      if (links.indexOf(old) < 0) { old.remove(); }
    });
    document.title = doc.title;
    document.documentElement.lang = doc.documentElement.lang || "en";
    document.documentElement.replaceChild(document.importNode(doc.body, true), document.body);
    current = id;
    // A screen reader hears the new page: focus moves to its heading (the old form is gone).
    var heading = document.querySelector("main h1") || document.querySelector("h1") || document.querySelector("main");
    if (heading) {
      heading.setAttribute("tabindex", "-1");
      heading.focus({preventScroll: true});
    }
    scripts.forEach(function (path) {
      var tag = document.createElement("script");
      var where = manifest.scripts[path];
      if (where === "inline") { tag.textContent = scriptsInline[path]; } else { tag.src = where; }
      tag.async = false;
      document.body.appendChild(tag);
    });
  }

  function showPage(file, html, ticket) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    var styles = collect(doc, "link[rel~=stylesheet][href]", "href", file.path, function (p) { return byPath[p]; });
    var scripts = collect(doc, "script[src]", "src", file.path, function (p) { return manifest.scripts[p]; });
    Array.prototype.forEach.call(doc.querySelectorAll("script, link, meta[http-equiv], base"), function (el) {
      el.remove();
    });
    var images = rewrite(doc.body, file.path);
    var decoded = images.map(function (pair) {
      return blobFor(pair[1]).then(function (url) { pair[0].setAttribute("src", url); });
    });
    var linked = styles.map(function (p) { return blobFor(byPath[p].id).then(stylesheet); });
    return Promise.all([Promise.all(linked), Promise.all(decoded)]).then(function (done) {
      if (ticket !== routing) { done[0].forEach(function (link) { link.remove(); }); return; }
      install(doc, file.id, done[0], scripts);
      release(inUse(styles, images));
    });
  }

  function inUse(styles, images) {
    var keep = {};
    styles.forEach(function (p) {
      keep[byPath[p].id] = true;
      needs[byPath[p].id].forEach(function (id) { keep[id] = true; });
    });
    images.forEach(function (pair) { keep[pair[1]] = true; });
    return keep;
  }

  function fileView(file, url) {
    var doc = document.implementation.createHTMLDocument(file.path.split("/").pop());
    var main = doc.body.appendChild(doc.createElement("main"));
    var back = main.appendChild(doc.createElement("button"));
    main.className = "vault vault-file";
    main.id = "main";
    back.type = "button";
    back.textContent = "← Back";
    if (file.type.indexOf("image/") === 0) {
      var img = main.appendChild(doc.createElement("img"));
      img.src = url;
      img.alt = "Photo";
    } else {  // data.json, data.csv, the PDF: offered as a download of the decrypted file
      var link = main.appendChild(doc.createElement("p")).appendChild(doc.createElement("a"));
      link.href = url;
      link.download = file.path.split("/").pop();
      link.textContent = "Download " + link.download;
    }
    doc.body.className = "vault-page";
    return doc;
  }

  function showFile(file, ticket) {
    return blobFor(file.id).then(function (url) {
      var keep = {};
      if (ticket !== routing) { return; }
      keep[file.id] = true;
      install(fileView(file, url), file.id, [], []);
      document.querySelector(".vault-file button").addEventListener("click", function () { history.back(); });
      release(keep);
    });
  }

  function scrollToAnchor(anchor) {
    var target = anchor ? document.getElementById(anchor) : null;
    if (target) {
      target.scrollIntoView();
    } else if (!anchor) {
      window.scrollTo(0, 0);
    }
  }

  function showError(error) {
    var doc = document.implementation.createHTMLDocument("Private records");
    var main = doc.createElement("main");
    var p = doc.createElement("p");
    main.className = "vault";
    p.className = "vault-status is-error";
    p.setAttribute("role", "alert");
    p.textContent = describe(error);
    main.appendChild(p);
    doc.body.className = "vault-page";
    doc.body.appendChild(main);
    install(doc, null, [], []);
  }

  function route() {
    var ticket = ++routing;
    var match = /^#\/(\d+)(?:\/(.*))?$/.exec(location.hash);
    var anchor = "";
    if (match && match[2]) {
      try { anchor = decodeURIComponent(match[2]); } catch (e) { anchor = ""; }
    }
    var file = match && byId[match[1]];
    if (!file) {
      if (current && location.hash) { scrollToAnchor(location.hash.slice(1)); return; }
      file = byPath[manifest.start];
    }
    if (file.id === current) { scrollToAnchor(anchor); return; }
    var shown = file.type === "text/html"
      ? open(file.id).then(function (buffer) { return showPage(file, asText(buffer), ticket); })
      : showFile(file, ticket);
    shown.then(function () { if (ticket === routing) { scrollToAnchor(anchor); } }, showError);
  }

  window.addEventListener("hashchange", function () { if (manifest) { route(); } });

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var password = input.value;
    input.value = "";
    unlock(password);
  });

  function start() {
    if (params.cipher === "none") {
      form.hidden = true;
      document.getElementById("vault-intro").textContent = "Opening…";
      readManifest().then(route, showError);
      return;
    }
    if (!window.crypto || !crypto.subtle) {
      busy(true);
      setStatus("This browser cannot decrypt here: open the file saved on your computer, " +
                "or the site at an https:// address.", true);
      return;
    }
    var password = linkPassword();
    if (password !== null) {
      unlock(password);
      return;
    }
    var saved = recalled();
    if (!saved) {
      input.focus();
      return;
    }
    Promise.resolve(saved).then(function (text) { return tryKey(fromBase64(text)); })
      .then(route, function () { forget(); input.focus(); });
  }

  start();
}());
