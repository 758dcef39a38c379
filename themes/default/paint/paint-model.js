/* The mask being painted: one class code per pixel of the photo (as displayed), in tiles that
   are saved before an edit changes them, so that every edit can be undone and redone. The codes
   are those of the server's palette (0 not scalp, 1 haired scalp, 2 bald, 3 partial, 4 excluded);
   what they count for is decided by the server, which measures every mask by the build's rule.
   Plain JS, no libraries. */
(function (global) {
  "use strict";

  var TILE = 64;
  var UNDO_BYTES = 256 * 1024 * 1024;  // the undo history is cut beyond this, oldest first

  function Mask(width, height) {
    this.w = width;
    this.h = height;
    this.data = new Uint8Array(width * height);
    this.cols = Math.ceil(width / TILE);
    this.rows = Math.ceil(height / TILE);
    this.undoStack = [];
    this.redoStack = [];
    this.pending = null;  // tile -> its bytes before the edit in progress
    this.dirty = new Set();  // tiles to draw again
  }

  Mask.prototype.tileRect = function (t) {
    var x = (t % this.cols) * TILE, y = Math.floor(t / this.cols) * TILE;
    return {x: x, y: y, w: Math.min(TILE, this.w - x), h: Math.min(TILE, this.h - y)};
  };

  Mask.prototype.tileBytes = function (t) {
    var r = this.tileRect(t), out = new Uint8Array(r.w * r.h);
    for (var row = 0; row < r.h; row += 1) {
      var at = (r.y + row) * this.w + r.x;
      out.set(this.data.subarray(at, at + r.w), row * r.w);
    }
    return out;
  };

  Mask.prototype.setTile = function (t, bytes) {
    var r = this.tileRect(t);
    for (var row = 0; row < r.h; row += 1) {
      this.data.set(bytes.subarray(row * r.w, (row + 1) * r.w), (r.y + row) * this.w + r.x);
    }
    this.dirty.add(t);
  };

  Mask.prototype.begin = function () { this.pending = new Map(); };

  // Before pixels in the rectangle change: keep the tiles' bytes (once per edit), mark them to draw.
  Mask.prototype.touch = function (x0, y0, x1, y1) {
    var tx0 = Math.max(0, Math.floor(x0 / TILE)), tx1 = Math.min(this.cols - 1, Math.floor(x1 / TILE));
    var ty0 = Math.max(0, Math.floor(y0 / TILE)), ty1 = Math.min(this.rows - 1, Math.floor(y1 / TILE));
    for (var ty = ty0; ty <= ty1; ty += 1) {
      for (var tx = tx0; tx <= tx1; tx += 1) {
        var t = ty * this.cols + tx;
        if (this.pending && !this.pending.has(t)) { this.pending.set(t, this.tileBytes(t)); }
        this.dirty.add(t);
      }
    }
  };

  function same(a, b) {
    for (var i = 0; i < a.length; i += 1) { if (a[i] !== b[i]) { return false; } }
    return true;
  }

  // Close the edit in progress; true when it changed a pixel (it is then one step of the undo history).
  Mask.prototype.end = function () {
    var self = this, step = [];
    if (!this.pending) { return false; }
    this.pending.forEach(function (before, t) {
      var after = self.tileBytes(t);
      if (!same(before, after)) { step.push({t: t, before: before, after: after}); }
    });
    this.pending = null;
    if (!step.length) { return false; }
    this.undoStack.push(step);
    this.redoStack = [];
    this.trim();
    return true;
  };

  // Drop the edit in progress (a stroke cut short by a second finger).
  Mask.prototype.abort = function () {
    var self = this;
    if (!this.pending) { return; }
    this.pending.forEach(function (before, t) { self.setTile(t, before); });
    this.pending = null;
  };

  Mask.prototype.trim = function () {
    var total = 0;
    for (var i = this.undoStack.length - 1; i >= 0; i -= 1) {
      this.undoStack[i].forEach(function (s) { total += 2 * s.before.length; });
      if (total > UNDO_BYTES) { this.undoStack.splice(0, i + 1); return; }
    }
  };

  function replay(mask, from, to, side) {
    var step = from.pop();
    if (!step) { return false; }
    step.forEach(function (s) { mask.setTile(s.t, s[side]); });
    to.push(step);
    return true;
  }

  Mask.prototype.undo = function () { return replay(this, this.undoStack, this.redoStack, "before"); };
  Mask.prototype.redo = function () { return replay(this, this.redoStack, this.undoStack, "after"); };

  // Paint `value` on every pixel whose centre lies within r of the segment from a to b.
  Mask.prototype.segment = function (ax, ay, bx, by, r, value) {
    var x0 = Math.max(0, Math.floor(Math.min(ax, bx) - r)), x1 = Math.min(this.w - 1, Math.ceil(Math.max(ax, bx) + r));
    var y0 = Math.max(0, Math.floor(Math.min(ay, by) - r)), y1 = Math.min(this.h - 1, Math.ceil(Math.max(ay, by) + r));
    if (x0 > x1 || y0 > y1) { return; }
    this.touch(x0, y0, x1, y1);
    var dx = bx - ax, dy = by - ay, len2 = dx * dx + dy * dy, r2 = r * r, data = this.data, w = this.w;
    for (var y = y0; y <= y1; y += 1) {
      var py = y + 0.5 - ay;
      for (var x = x0; x <= x1; x += 1) {
        var px = x + 0.5 - ax;
        var t = len2 > 0 ? Math.max(0, Math.min(1, (px * dx + py * dy) / len2)) : 0;
        var ex = px - t * dx, ey = py - t * dy;
        if (ex * ex + ey * ey <= r2) { data[y * w + x] = value; }
      }
    }
  };

  // The 4-connected area of the clicked pixel's code, as row spans [y, left, right, ...].
  Mask.prototype.area = function (x, y) {
    var w = this.w, h = this.h, data = this.data, from = data[y * w + x];
    var seen = new Uint8Array(w * h), spans = [], stack = [x, y];
    while (stack.length) {
      var sy = stack.pop(), sx = stack.pop(), row = sy * w;
      if (seen[row + sx] || data[row + sx] !== from) { continue; }
      var l = sx, r = sx;
      while (l > 0 && !seen[row + l - 1] && data[row + l - 1] === from) { l -= 1; }
      while (r < w - 1 && !seen[row + r + 1] && data[row + r + 1] === from) { r += 1; }
      seen.fill(1, row + l, row + r + 1);
      spans.push(sy, l, r);
      for (var ny = sy - 1; ny <= sy + 1; ny += 2) {
        if (ny < 0 || ny >= h) { continue; }
        var inRun = false, nrow = ny * w;
        for (var k = l; k <= r; k += 1) {
          var open = !seen[nrow + k] && data[nrow + k] === from;
          if (open && !inRun) { stack.push(k, ny); }
          inRun = open;
        }
      }
    }
    return spans;
  };

  // Fill the clicked pixel's area with `value`; the number of pixels changed.
  Mask.prototype.fill = function (x, y, value) {
    if (this.data[y * this.w + x] === value) { return 0; }
    var spans = this.area(x, y), count = 0;
    for (var i = 0; i < spans.length; i += 3) {
      var sy = spans[i], l = spans[i + 1], r = spans[i + 2];
      this.touch(l, sy, r, sy);
      this.data.fill(value, sy * this.w + l, sy * this.w + r + 1);
      count += r - l + 1;
    }
    return count;
  };

  // Replace the whole mask (a mask loaded from the server) as one step that can be undone.
  Mask.prototype.replace = function (codes) {
    this.begin();
    this.touch(0, 0, this.w - 1, this.h - 1);
    this.data.set(codes);
    return this.end();
  };

  Mask.prototype.code = function (x, y) { return this.data[y * this.w + x]; };

  global.ScalpsiteMask = Mask;
  global.ScalpsiteMask.TILE = TILE;
}(window));
