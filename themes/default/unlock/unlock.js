/* The unlock code of an encrypted static site; the format is described in docs/encryption.md.
   Plain JS and WebCrypto only: no crypto library and no network request. Payloads arrive as
   same-origin script files that register themselves (or as data blocks inside a one-file copy),
   because browsers refuse fetch() of local files. Every payload is one chunk of a stream that
   joins all files; a page decrypts only the chunks its own files lie in. Pages are shown inside
   this one document, so the key is asked for once per page load and kept in memory only (a
   non-extractable CryptoKey): nothing is written to any browser storage. */
(function () {
  "use strict";

  var FORMAT = "static-vault", VERSION = 2;
  var MIN_ITERATIONS = 600000, MAX_ITERATIONS = 100000000, MIN_SALT = 16;
  var KEEP = 24;  // decrypted chunks kept in memory for the next page
  var TITLE = "Private records";  // decrypted titles never reach document.title (browser history)
  var params = JSON.parse(document.getElementById(FORMAT).textContent);
  var ORIGIN = "https://vault.invalid";  // a stand-in origin to resolve the build's relative links
  var lockedBody = document.body;  // the unlock form, put back by Lock
  var form = document.getElementById("vault-form");
  var input = document.getElementById("vault-password");
  var submit = document.getElementById("vault-submit");
  var statusBox = document.getElementById("vault-status");
  var arrived = {};   // id -> base64 text of a payload not yet asked for (or a bundle's)
  var waiting = {};   // id -> callbacks of the loads waiting for that payload
  var key = null, manifest = null, byPath = {}, blobs = {}, chunks = {}, chunkOrder = [], current = null;
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

  // ---------- the public parameters, checked before any key is derived ----------

  function fromBase64(text) {
    var binary = atob(text);
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i += 1) { bytes[i] = binary.charCodeAt(i); }
    return bytes;
  }

  function unsafe() {
    var kdf = params.kdf || {};
    if (params.format !== FORMAT || params.version !== VERSION) {
      return "These pages were made in a format this page cannot read.";
    }
    if (params.cipher === "none" && params.store === "inline") { return null; }
    var salt = null;
    try { salt = fromBase64(kdf.salt); } catch (e) { salt = null; }
    if (params.cipher !== "AES-256-GCM" || kdf.name !== "PBKDF2-HMAC-SHA256" || !salt ||
        salt.length < MIN_SALT || !Number.isInteger(kdf.iterations) ||
        kdf.iterations < MIN_ITERATIONS || kdf.iterations > MAX_ITERATIONS) {
      return "These pages ask for a weaker or unknown protection than this page accepts (at least " +
        "600,000 rounds and a 16-byte salt); they may have been altered. Nothing was decrypted.";
    }
    return null;
  }

  function associated(id) {
    var kdf = params.kdf;
    return new TextEncoder().encode([params.format, params.version, params.cipher, kdf.name,
                                     kdf.iterations, kdf.salt, id].join("/"));
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

  var early = self.staticVault || [];
  self.staticVault = { push: receive };
  early.forEach(receive);
  Array.prototype.forEach.call(document.querySelectorAll("script[data-vault-id]"), function (el) {
    arrived[el.getAttribute("data-vault-id")] = el.textContent.trim();
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

  function decrypt(id, text) {
    var data;
    try { data = fromBase64(text); } catch (e) { return Promise.reject(new Problem("damaged", id)); }
    if (params.cipher === "none") { return Promise.resolve(data.buffer); }
    return crypto.subtle.decrypt({ name: "AES-GCM", iv: data.subarray(0, 12), additionalData: associated(id) },
                                 key, data.subarray(12));
  }

  function open(id) {
    return payload(id).then(function (text) {
      return decrypt(id, text).catch(function () { throw new Problem("damaged", id); });
    });
  }

  function chunkId(number) {
    var text = String(number);
    while (text.length < 4) { text = "0" + text; }
    return text;
  }

  function chunk(number) {
    var id = chunkId(number);
    if (!chunks[id]) {
      chunks[id] = open(id).then(function (buffer) {
        if (buffer.byteLength !== manifest.chunk_size) { throw new Problem("damaged", id); }
        return new Uint8Array(buffer);
      });
      chunks[id].catch(function () { delete chunks[id]; });
      chunkOrder.push(id);
      while (chunkOrder.length > KEEP) { delete chunks[chunkOrder.shift()]; }
    }
    return chunks[id];
  }

  function fileBytes(file) {
    var size = manifest.chunk_size;
    var first = Math.floor(file.offset / size);
    var last = Math.floor((file.offset + Math.max(file.size, 1) - 1) / size);
    var wanted = [];
    for (var n = first; n <= last; n += 1) { wanted.push(chunk(n + 1)); }
    return Promise.all(wanted).then(function (parts) {
      var out = new Uint8Array(file.size), at = 0;
      parts.forEach(function (part, k) {
        var start = k === 0 ? file.offset - first * size : 0;
        var end = Math.min(size, file.offset + file.size - (first + k) * size);
        if (end > start) { out.set(part.subarray(start, end), at); at += end - start; }
      });
      return out;
    });
  }

  function asText(bytes) {
    return new TextDecoder("utf-8").decode(bytes);
  }

  function blobFor(file) {
    if (!blobs[file.n]) {
      blobs[file.n] = fileBytes(file).then(function (bytes) {
        if (file.type === "text/css") { return styleSheet(file, asText(bytes)); }
        return URL.createObjectURL(new Blob([bytes], { type: file.type }));
      });
    }
    return blobs[file.n];
  }

  // A style sheet's url(...) references would resolve against its blob: address and find
  // nothing, so each one that names a file of the build points at that file's blob instead.
  var CSS_URL = /url\(\s*(['"]?)([^'")]+)\1\s*\)/g;
  var needs = {};  // number of a style sheet -> numbers of the files its url(...) references use

  function styleSheet(file, css) {
    var found = [];
    css.replace(CSS_URL, function (match, quote, href) {
      var target = resolve(href.trim(), file.path);
      var used = target && byPath[target.path];
      if (used && used.type !== "text/css" && found.indexOf(used) < 0) { found.push(used); }
      return match;
    });
    needs[file.n] = found.map(function (f) { return f.n; });
    return Promise.all(found.map(blobFor)).then(function (urls) {
      var text = css.replace(CSS_URL, function (match, quote, href) {
        var target = resolve(href.trim(), file.path);
        var at = target && byPath[target.path] ? found.indexOf(byPath[target.path]) : -1;
        return at < 0 ? match : 'url("' + urls[at] + '")';
      });
      return URL.createObjectURL(new Blob([text], { type: "text/css" }));
    });
  }

  function release(keep) {
    Object.keys(blobs).forEach(function (n) {
      if (!keep[n]) {
        blobs[n].then(URL.revokeObjectURL, function () {});
        delete blobs[n];
      }
    });
  }

  // ---------- the key ----------

  function deriveKey(password) {
    var raw = new TextEncoder().encode(password.normalize("NFC"));
    return crypto.subtle.importKey("raw", raw, "PBKDF2", false, ["deriveKey"]).then(function (base) {
      return crypto.subtle.deriveKey({ name: "PBKDF2", hash: "SHA-256", salt: fromBase64(params.kdf.salt),
                                       iterations: params.kdf.iterations },
                                     base, { name: "AES-GCM", length: 256 }, false, ["decrypt"]);
    });
  }

  function validManifest(m) {
    var end = m && m.chunk_size * m.chunks;
    return m && m.format === FORMAT && m.version === VERSION && typeof m.start === "string" &&
      Number.isInteger(m.chunk_size) && m.chunk_size > 0 && Number.isInteger(m.chunks) && m.chunks > 0 &&
      Array.isArray(m.files) && m.files.every(function (f) {
        return typeof f.path === "string" && typeof f.type === "string" && Number.isInteger(f.offset) &&
          Number.isInteger(f.size) && f.offset >= 0 && f.size >= 0 && f.offset + f.size <= end;
      });
  }

  function readManifest() {
    return payload(params.manifest).then(function (text) {
      return decrypt(params.manifest, text).then(function (buffer) {
        var parsed;
        try { parsed = JSON.parse(asText(new Uint8Array(buffer))); } catch (e) { parsed = null; }
        if (!validManifest(parsed)) { throw new Problem("damaged", params.manifest); }
        manifest = parsed;
        manifest.files.forEach(function (f, i) { f.n = i + 1; byPath[f.path] = f; });
      });
    });
  }

  function busy(on) {
    submit.disabled = on;
    input.disabled = on;
  }

  function unlock(password) {
    busy(true);
    setStatus("Unlocking… this takes a moment.");
    return deriveKey(password).then(function (derived) {
      key = derived;
      return readManifest().then(route, function (error) {
        key = null;
        busy(false);
        if (error instanceof Problem && error.kind === "missing") {
          setStatus(describe(error), true);
        } else {  // a failed tag check of the manifest: the key is not this site's
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

  // Lock: forget the key and everything decrypted, then load the page afresh, so that no
  // decrypted page survives in this tab's memory (scripts of a page may still hold parts of it).
  function lock() {
    routing += 1;
    key = null;
    manifest = null;
    byPath = {};
    chunks = {};
    chunkOrder = [];
    current = null;
    if (params.store === "files") { arrived = {}; }
    release({});
    Array.prototype.forEach.call(document.querySelectorAll("link[data-vault-style], script[data-vault-run]"),
                                 function (el) { el.remove(); });
    document.documentElement.replaceChild(lockedBody, document.body);
    document.title = TITLE;
    history.replaceState(null, "", location.href.split("#")[0] + "#locked");
    location.reload();
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

  function hashFor(file, anchor) {
    return "#/" + file.n + (anchor ? "/" + encodeURIComponent(anchor) : "");
  }

  // The plain site's policy refuses inline styles and handlers; nodes moved in from a parsed
  // page would keep them, so they are taken out here, and the page looks as the plain one does.
  function sanitize(root) {
    Array.prototype.forEach.call(root.querySelectorAll("style"), function (el) { el.remove(); });
    Array.prototype.forEach.call(root.querySelectorAll("*"), function (el) {
      Array.prototype.slice.call(el.attributes).forEach(function (attr) {
        var name = attr.name.toLowerCase();
        if (name === "style" || name.indexOf("on") === 0) { el.removeAttribute(attr.name); }
      });
    });
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
        a.setAttribute("href", hashFor(file, target.anchor));
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
        images.push([img, file]);
      }
    });
    return images;
  }

  function collect(doc, selector, attribute, base, wanted) {
    var found = [];
    Array.prototype.forEach.call(doc.querySelectorAll(selector), function (el) {
      var target = resolve(el.getAttribute(attribute), base);
      var file = target && byPath[target.path];
      if (file && wanted(file)) { found.push(file); }
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

  function lockBar(body) {
    var bar = body.ownerDocument.createElement("div");
    var button = bar.appendChild(body.ownerDocument.createElement("button"));
    bar.className = "vault-bar";
    bar.setAttribute("role", "region");
    bar.setAttribute("aria-label", "Private records");
    button.type = "button";
    button.className = "vault-lock";
    button.textContent = "Lock";
    button.title = "Forget the key in this tab; the password is asked again";
    body.appendChild(bar);
  }

  function install(doc, file, links, scripts) {
    Array.prototype.forEach.call(document.querySelectorAll("link[data-vault-style]"), function (old) {
      if (links.indexOf(old) < 0) { old.remove(); }
    });
    Array.prototype.forEach.call(document.querySelectorAll("script[data-vault-run]"), function (old) {
      old.remove();
    });
    document.title = TITLE;
    document.documentElement.lang = doc.documentElement.lang || "en";
    var body = document.importNode(doc.body, true);
    lockBar(body);
    document.documentElement.replaceChild(body, document.body);
    body.querySelector(".vault-lock").addEventListener("click", lock);
    current = file;
    // A screen reader hears the new page: focus moves to its heading (the old form is gone).
    var heading = body.querySelector("main h1") || body.querySelector("h1") || body.querySelector("main");
    if (heading) {
      heading.setAttribute("tabindex", "-1");
      heading.focus({preventScroll: true});
    }
    scripts.forEach(function (url) {
      var tag = document.createElement("script");
      tag.src = url;
      tag.async = false;
      tag.setAttribute("data-vault-run", "");
      document.body.appendChild(tag);
    });
  }

  function showPage(file, html, ticket) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    var styles = collect(doc, "link[rel~=stylesheet][href]", "href", file.path,
                         function (f) { return f.type === "text/css"; });
    var code = collect(doc, "script[src]", "src", file.path, function (f) { return f.type === "text/javascript"; });
    Array.prototype.forEach.call(doc.querySelectorAll("script, link, meta[http-equiv], base"), function (el) {
      el.remove();
    });
    sanitize(doc.body);
    var images = rewrite(doc.body, file.path);
    var decoded = images.map(function (pair) {
      return blobFor(pair[1]).then(function (url) { pair[0].setAttribute("src", url); });
    });
    var linked = styles.map(function (f) { return blobFor(f).then(stylesheet); });
    return Promise.all([Promise.all(linked), Promise.all(decoded), Promise.all(code.map(blobFor))]).then(function (done) {
      if (ticket !== routing) { done[0].forEach(function (link) { link.remove(); }); return; }
      install(doc, file, done[0], done[2]);
      release(inUse(styles, images, code));
    });
  }

  function inUse(styles, images, code) {
    var keep = {};
    styles.forEach(function (f) {
      keep[f.n] = true;
      (needs[f.n] || []).forEach(function (n) { keep[n] = true; });
    });
    images.forEach(function (pair) { keep[pair[1].n] = true; });
    code.forEach(function (f) { keep[f.n] = true; });
    return keep;
  }

  function fileView(file, url) {
    var doc = document.implementation.createHTMLDocument(TITLE);
    var main = doc.body.appendChild(doc.createElement("main"));
    var back = main.appendChild(doc.createElement("button"));
    main.className = "vault vault-file";
    main.id = "main";
    back.type = "button";
    back.className = "vault-back";
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
    return blobFor(file).then(function (url) {
      var keep = {};
      if (ticket !== routing) { return; }
      keep[file.n] = true;
      install(fileView(file, url), file, [], []);
      document.querySelector(".vault-back").addEventListener("click", function () { history.back(); });
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
    var doc = document.implementation.createHTMLDocument(TITLE);
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
    var file = match && manifest.files[Number(match[1]) - 1];
    if (!file) {
      if (current && location.hash) { scrollToAnchor(location.hash.slice(1)); return; }
      file = byPath[manifest.start];
    }
    if (!file) { showError(new Problem("damaged", params.manifest)); return; }
    if (file === current) { scrollToAnchor(anchor); return; }
    var shown = file.type === "text/html"
      ? fileBytes(file).then(function (bytes) { return showPage(file, asText(bytes), ticket); })
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
    var refused = unsafe();
    if (refused) {
      busy(true);
      setStatus(refused, true);
      return;
    }
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
    if (location.hash === "#locked") {
      history.replaceState(null, "", location.href.split("#")[0]);
      setStatus("Locked: the key is forgotten in this tab. Enter the password to open the pages again.");
    }
    var password = linkPassword();
    if (password !== null) {
      unlock(password);
      return;
    }
    input.focus();
  }

  start();
}());
