/* The mask painter of the preview: brush, fill, undo and redo, zoom and move, with mouse, pen
   or touch (pointer events). The mask is drawn in exactly the colours of the mask format at the
   photo's own size; the server measures it after every change (the build's rule), writes it on
   Save and keeps the earlier versions. Plain JS, no libraries. */
(function () {
  "use strict";

  var root = document.getElementById("painter");
  if (!root || !window.ScalpsiteMask) { return; }
  var W = Number(root.dataset.width), H = Number(root.dataset.height);
  var api = root.dataset.api, token = root.dataset.token;
  var palette = JSON.parse(root.dataset.palette);  // code -> [r, g, b, a]
  var codes = JSON.parse(root.dataset.tools);  // tool -> code
  var mask = new window.ScalpsiteMask(W, H);
  var $ = function (sel) { return root.querySelector(sel); };
  var stage = $("[data-stage]"), board = $("[data-board]"), canvas = $("[data-mask]"), cursor = $("[data-cursor]");
  var ctx = canvas.getContext("2d");
  var brush = $("[data-brush-size]"), versions = $("[data-versions]");
  var state = {tool: "scalp", mode: "brush", fit: 1, z: 1, tx: 0, ty: 0, unsaved: false, space: false};
  var pointers = new Map(), stroke = null, pan = null, pinch = null;

  // ---------- drawing the mask ----------

  var lut = new Uint32Array(new Uint8Array([].concat.apply([], palette)).buffer);  // code -> RGBA, any endianness
  var tiles = {};
  var drawQueued = false;

  function draw() {
    drawQueued = false;
    mask.dirty.forEach(function (t) {
      var r = mask.tileRect(t), key = r.w + "x" + r.h;
      var img = tiles[key] || (tiles[key] = ctx.createImageData(r.w, r.h));
      var px = new Uint32Array(img.data.buffer);
      for (var row = 0; row < r.h; row += 1) {
        var at = (r.y + row) * W + r.x;
        for (var col = 0; col < r.w; col += 1) { px[row * r.w + col] = lut[mask.data[at + col]]; }
      }
      ctx.putImageData(img, r.x, r.y);
    });
    mask.dirty.clear();
  }

  function redraw() {
    if (!drawQueued) { drawQueued = true; requestAnimationFrame(draw); }
  }

  function codesOf(imageData) {
    var px = new Uint32Array(imageData.data.buffer), out = new Uint8Array(W * H), index = new Map();
    lut.forEach(function (v, code) { index.set(v, code); });
    for (var i = 0; i < out.length; i += 1) {
      var code = index.get(px[i]);
      out[i] = code === undefined ? (imageData.data[4 * i + 3] ? 1 : 0) : code;
    }
    return out;
  }

  // ---------- messages and the measured loss ----------

  function say(text, error) {
    var el = $("[data-status]");
    el.textContent = text;
    el.classList.toggle("error", Boolean(error));
  }

  function buttons() {
    $("[data-action=undo]").disabled = !mask.undoStack.length;
    $("[data-action=redo]").disabled = !mask.redoStack.length;
    $("[data-action=restore]").disabled = !versions.value;
  }

  function changed() {
    state.unsaved = true;
    buttons();
    redraw();
    measureSoon();
  }

  function pngBlob() {
    draw();
    return new Promise(function (resolve) { canvas.toBlob(resolve, "image/png"); });
  }

  function post(action, body) {
    var headers = {"X-Scalpsite-Token": token};
    if (body) { headers["Content-Type"] = "image/png"; }
    return fetch(api + "/" + action, {method: "POST", headers: headers, body: body || null, cache: "no-store"})
      .then(answer);
  }

  function answer(r) {
    if (r.ok) { return r.headers.get("Content-Type").indexOf("json") >= 0 ? r.json() : r.blob(); }
    return r.text().then(function (t) { throw new Error(t.trim() || r.status + " " + r.statusText); });
  }

  var measuring = null, again = false, timer = 0, edits = 0;  // edits: changes made so far

  function measureSoon() {
    edits += 1;
    $("[data-loss]").dataset.stale = "yes";
    clearTimeout(timer);
    timer = setTimeout(measure, 400);
  }

  function measure() {
    if (measuring) { again = true; return; }
    var seen = edits;
    measuring = pngBlob().then(function (blob) { return post("measure", blob); })
      .then(function (result) { showLoss(result, seen); }, function (e) { say(e.message, true); })
      .then(function () {
        measuring = null;
        if (again) { again = false; measure(); }
      });
  }

  // The loss of the mask as it was after `seen` edits; still stale when it changed since.
  function showLoss(result, seen) {
    var el = $("[data-loss]");
    el.textContent = result.summary;
    if (seen === edits) { delete el.dataset.stale; }
    el.dataset.lossPct = result.loss_pct === null ? "" : String(result.loss_pct);
  }

  // ---------- loading masks from the server ----------

  function load(blob) {
    return createImageBitmap(blob, {premultiplyAlpha: "none", colorSpaceConversion: "none"}).then(function (bitmap) {
      var scratch = document.createElement("canvas");
      scratch.width = W;
      scratch.height = H;
      var c = scratch.getContext("2d");
      c.drawImage(bitmap, 0, 0);
      return codesOf(c.getImageData(0, 0, W, H));
    });
  }

  function base64Blob(text) {
    var bytes = Uint8Array.from(atob(text), function (ch) { return ch.charCodeAt(0); });
    return new Blob([bytes], {type: "image/png"});
  }

  function take(blob, message) {
    return load(blob).then(function (c) {
      if (mask.replace(c)) { changed(); }
      say(message);
    });
  }

  function get(path) {
    return fetch(api + path, {cache: "no-store"}).then(answer);
  }

  function listVersions(list) {
    versions.textContent = "";
    if (!list.length) { versions.append(new Option("none kept yet", "")); }
    list.forEach(function (v) { versions.append(new Option(v.label, String(v.id))); });
    buttons();
  }

  // ---------- the view: fit, zoom, move ----------

  function place() {
    state.fitted = false;
    board.style.transform = "translate(" + state.tx + "px, " + state.ty + "px) scale(" + state.z + ")";
  }

  function fit() {
    var w = stage.clientWidth, h = stage.clientHeight;
    state.fit = Math.min(w / W, h / H);
    board.style.width = W * state.fit + "px";
    board.style.height = H * state.fit + "px";
    state.z = 1;
    state.tx = (w - W * state.fit) / 2;
    state.ty = (h - H * state.fit) / 2;
    place();
    state.fitted = true;
  }

  function zoomAt(factor, cx, cy) {
    var z = Math.max(0.5, Math.min(64, state.z * factor));
    state.tx = cx - (cx - state.tx) * z / state.z;
    state.ty = cy - (cy - state.ty) * z / state.z;
    state.z = z;
    place();
  }

  function zoomCentre(factor) { zoomAt(factor, stage.clientWidth / 2, stage.clientHeight / 2); }

  function local(e) {
    var r = stage.getBoundingClientRect();
    return {x: e.clientX - r.left, y: e.clientY - r.top};
  }

  function toMask(e) {
    var r = board.getBoundingClientRect();
    return {x: (e.clientX - r.left) / r.width * W, y: (e.clientY - r.top) / r.height * H};
  }

  function showCursor(e) {
    if (state.mode !== "brush" || e.pointerType === "touch") { cursor.hidden = true; return; }
    var p = local(e), d = Number(brush.value) * state.fit * state.z;
    cursor.hidden = false;
    cursor.style.left = p.x + "px";
    cursor.style.top = p.y + "px";
    cursor.style.width = cursor.style.height = d + "px";
  }

  // ---------- painting ----------

  function value() { return codes[state.tool]; }

  function paintTo(p) {
    mask.segment(stroke.x, stroke.y, p.x, p.y, Number(brush.value) / 2, value());
    stroke.x = p.x;
    stroke.y = p.y;
    redraw();
  }

  function fillAt(p) {
    var x = Math.floor(p.x), y = Math.floor(p.y);
    if (x < 0 || y < 0 || x >= W || y >= H) { return; }
    var inside = ["bald", "partial", "excluded"].indexOf(state.tool) >= 0;
    if (inside && mask.code(x, y) === codes.erase) {
      say("Fill the bald, partial or excluded areas inside the scalp: click inside the scalp outline " +
          "(fill it with Scalp outline first).", true);
      return;
    }
    mask.begin();
    var n = mask.fill(x, y, value());
    if (mask.end()) {
      changed();
      say("Filled " + (100 * n / (W * H)).toFixed(1) + " % of the photo; Undo if the outline was not closed.");
    }
  }

  function startPinch() {
    var pts = Array.from(pointers.values());
    pinch = {d: Math.hypot(pts[0].x - pts[1].x, pts[0].y - pts[1].y) || 1,
             mx: (pts[0].x + pts[1].x) / 2, my: (pts[0].y + pts[1].y) / 2};
  }

  function movePinch() {
    var pts = Array.from(pointers.values());
    var d = Math.hypot(pts[0].x - pts[1].x, pts[0].y - pts[1].y) || 1;
    var mx = (pts[0].x + pts[1].x) / 2, my = (pts[0].y + pts[1].y) / 2;
    state.tx += mx - pinch.mx;
    state.ty += my - pinch.my;
    zoomAt(d / pinch.d, mx, my);
    pinch = {d: d, mx: mx, my: my};
  }

  stage.addEventListener("pointerdown", function (e) {
    if (e.button !== 0 && e.button !== 1) { return; }
    e.preventDefault();
    try { stage.setPointerCapture(e.pointerId); } catch (ignore) { /* a pointer already gone */ }
    stage.focus({preventScroll: true});  // so that Space moves the photo, not presses the last button
    pointers.set(e.pointerId, local(e));
    if (pointers.size === 2) {  // a second finger: zoom and move, and the stroke begun is dropped
      if (stroke) { mask.abort(); stroke = null; redraw(); }
      pan = null;
      startPinch();
      return;
    }
    if (pointers.size > 2) { return; }
    if (state.mode === "pan" || state.space || e.button === 1) {
      pan = {x: e.clientX, y: e.clientY};
      stage.classList.add("panning");
      return;
    }
    var p = toMask(e);
    if (state.mode === "fill") { fillAt(p); return; }
    stroke = {x: p.x, y: p.y};
    mask.begin();
    paintTo(p);
  });

  stage.addEventListener("pointermove", function (e) {
    showCursor(e);
    if (!pointers.has(e.pointerId)) { return; }
    pointers.set(e.pointerId, local(e));
    if (pinch && pointers.size === 2) { movePinch(); return; }
    if (pan) {
      state.tx += e.clientX - pan.x;
      state.ty += e.clientY - pan.y;
      pan = {x: e.clientX, y: e.clientY};
      place();
      return;
    }
    if (!stroke) { return; }
    var events = e.getCoalescedEvents ? e.getCoalescedEvents() : [];
    (events.length ? events : [e]).forEach(function (c) { paintTo(toMask(c)); });
  });

  function release(e) {
    pointers.delete(e.pointerId);
    if (pointers.size < 2) { pinch = null; }
    if (pan && !pointers.size) { pan = null; stage.classList.remove("panning"); }
    if (stroke && !pointers.size) {
      stroke = null;
      if (mask.end()) { changed(); }
    }
  }

  stage.addEventListener("pointerup", release);
  stage.addEventListener("pointercancel", release);
  stage.addEventListener("pointerleave", function () { cursor.hidden = true; });
  stage.addEventListener("wheel", function (e) {
    e.preventDefault();
    var p = local(e);
    zoomAt(Math.exp(-e.deltaY * 0.0015), p.x, p.y);
  }, {passive: false});

  // ---------- the tools ----------

  function press(attr, name) {
    root.querySelectorAll("[" + attr + "]").forEach(function (b) {
      b.setAttribute("aria-pressed", String(b.getAttribute(attr) === name));
    });
  }

  function setTool(name) { state.tool = name; press("data-tool", name); }

  function setMode(name) {
    state.mode = name;
    press("data-mode", name);
    stage.className = "stage mode-" + name;
  }

  function setBrush(v) {
    brush.value = String(v);
    $("[data-brush-label]").textContent = brush.value + " px";
  }

  function undo() { if (mask.undo()) { changed(); } }
  function redo() { if (mask.redo()) { changed(); } }

  function save() {
    say("Saving…");
    var seen = edits;
    return pngBlob().then(function (blob) { return post("save", blob); }).then(function (result) {
      state.unsaved = seen !== edits;
      showLoss(result, seen);
      listVersions(result.versions);
      say(result.message);
    }, function (e) { say("Not saved: " + e.message, true); });
  }

  function restore() {
    var chosen = versions.options[versions.selectedIndex];
    get("/versions/" + versions.value + ".png").then(function (blob) {
      return take(blob, "Restored the version " + chosen.text + "; Save to keep it.");
    }).catch(function (e) { say(e.message, true); });
  }

  function startPrevious() {
    say("Aligning the previous mask to this photo…");
    post("start").then(function (result) {
      if (!result.png) { say(result.message, true); return null; }
      return take(base64Blob(result.png), result.message);
    }).catch(function (e) { say(e.message, true); });
  }

  var actions = {
    "undo": undo, "redo": redo, "save": save, "restore": restore, "start-previous": startPrevious,
    "zoom-in": function () { zoomCentre(1.25); }, "zoom-out": function () { zoomCentre(0.8); }, "zoom-fit": fit
  };

  root.addEventListener("click", function (e) {
    var b = e.target.closest("button");
    if (!b) { return; }
    if (b.dataset.tool) { setTool(b.dataset.tool); }
    if (b.dataset.mode) { setMode(b.dataset.mode); }
    if (b.dataset.action) { actions[b.dataset.action](); }
  });
  brush.addEventListener("input", function () { setBrush(brush.value); });
  $("[data-opacity]").addEventListener("input", function (e) { canvas.style.opacity = String(e.target.value / 100); });
  versions.addEventListener("change", buttons);

  var TOOL_KEYS = ["scalp", "bald", "partial", "excluded", "erase"];
  var MODE_KEYS = {b: "brush", f: "fill", m: "pan"};

  function shortcut(e) {
    var k = e.key.toLowerCase();
    if ((e.ctrlKey || e.metaKey) && k === "z") { return e.shiftKey ? redo : undo; }
    if ((e.ctrlKey || e.metaKey) && k === "y") { return redo; }
    if ((e.ctrlKey || e.metaKey) && k === "s") { return save; }
    if (e.ctrlKey || e.metaKey || e.altKey || /^(INPUT|SELECT|TEXTAREA)$/.test(e.target.tagName)) { return null; }
    if (TOOL_KEYS[Number(k) - 1]) { return function () { setTool(TOOL_KEYS[Number(k) - 1]); }; }
    if (MODE_KEYS[k]) { return function () { setMode(MODE_KEYS[k]); }; }
    if (k === "[" || k === "]") { return function () { setBrush(Number(brush.value) + (k === "]" ? 1 : -1) * Math.max(1, Math.round(brush.value / 8))); }; }
    return {"+": actions["zoom-in"], "=": actions["zoom-in"], "-": actions["zoom-out"], "0": fit}[k] || null;
  }

  document.addEventListener("keydown", function (e) {
    if (e.key === " " && (e.target === document.body || e.target === stage)) { state.space = true; e.preventDefault(); return; }
    var run = shortcut(e);
    if (run) { e.preventDefault(); run(); }
  });
  document.addEventListener("keyup", function (e) { if (e.key === " ") { state.space = false; } });
  // The whole photo stays in view while it is not zoomed, whatever changes the stage's size.
  if (window.ResizeObserver) {
    new ResizeObserver(function () { if (state.fitted) { fit(); } }).observe(stage);
  } else {
    window.addEventListener("resize", fit);
  }
  window.addEventListener("beforeunload", function (e) {
    if (state.unsaved) { e.preventDefault(); e.returnValue = ""; }
  });

  // ---------- start ----------

  setMode("brush");
  setBrush(brush.value);
  fit();
  mask.touch(0, 0, W - 1, H - 1);
  draw();
  get("/versions").then(listVersions).catch(function (e) { say(e.message, true); });
  var first = root.dataset.hasMask ? get("/mask.png").then(load).then(function (c) {
    mask.data.set(c);
    mask.touch(0, 0, W - 1, H - 1);
    draw();
  }) : Promise.resolve();
  first.catch(function (e) { say(e.message + " Painting starts from an empty mask.", true); }).then(function () {
    root.dataset.ready = "yes";
    measure();
  });
}());
