/* Before/after comparison slider: plain JS, no libraries, works offline and from file://.
   Without JS the baseline and latest photos simply stay side by side. Styles are set through
   the CSSOM (element.style), which the page's Content-Security-Policy allows. A photo's mask
   overlay (img.mask-overlay, shown by the "Show the painted masks" checkbox through CSS)
   follows its photo into the slider and is cut at the divider like it. The pickers above the
   slider (select.compare-pick, shown only with JS) put any session on either side; a photo
   of another shape than the frame is shown whole and padded (object-fit: contain).
   For screen readers both photos of the slider keep their text alternatives (which follow the
   pickers), and the range says which session each side shows and where the divider is; arrow
   keys move it 5 %, Page Up/Down 25 %, Home/End to either edge. */
(function () {
  "use strict";

  function make(tag, className, text) {
    var el = document.createElement(tag);
    if (className) { el.className = className; }
    if (text) { el.textContent = text; }
    return el;
  }

  function cloneImage(img, className) {
    var copy = img.cloneNode(false);
    copy.removeAttribute("loading");
    copy.className = className;
    return copy;
  }

  function overlayOf(figure, className) {
    var overlay = figure.querySelector("img.mask-overlay");
    return overlay ? cloneImage(overlay, "mask-overlay " + className) : null;
  }

  function setup(box) {
    var imgs = box.querySelectorAll(".compare-item img.photo-img");
    if (imgs.length !== 2) { return; }
    var ui = make("div", "compare-ui");
    var toggle = make("button", "compare-toggle", "Show side by side");
    var stage = make("div", "compare-stage");
    var before = cloneImage(imgs[0], "compare-before");
    var after = cloneImage(imgs[1], "compare-after");
    var handle = make("div", "compare-handle");
    var range = make("input", "compare-range");
    toggle.type = "button";
    range.type = "range";
    range.min = "0";
    range.max = "100";
    range.step = "any";  // a pointer moves it smoothly; the keys below move it in steps people notice
    range.value = "50";
    var figures = box.querySelectorAll(".compare-item");
    var beforeMask = overlayOf(figures[0], "compare-before-mask");
    var afterMask = overlayOf(figures[1], "compare-after-mask");
    stage.append(before);
    if (beforeMask) { stage.append(beforeMask); }
    stage.append(after);
    if (afterMask) { stage.append(afterMask); }
    var labels = [make("span", "compare-label left", figures[0].getAttribute("data-label") || "Baseline"),
                  make("span", "compare-label right", figures[1].getAttribute("data-label") || "Latest")];
    labels.forEach(function (label) { label.setAttribute("aria-hidden", "true"); });  // the range says it
    stage.append(handle, labels[0], labels[1]);
    ui.append(toggle, stage, range);
    box.insertBefore(ui, box.firstChild);

    var w = Number(box.getAttribute("data-frame-width")) || Number(imgs[0].getAttribute("width"));
    var h = Number(box.getAttribute("data-frame-height")) || Number(imgs[0].getAttribute("height"));
    if (w > 0 && h > 0) { stage.style.aspectRatio = w + " / " + h; }
    // The slider, its range and the dated captions share one width that keeps the photo
    // within the screen height, so both dates and the whole photo are seen at once.
    var limit = w > 0 && h > 0 ? "min(100%, calc(60vh * " + (w / h).toFixed(4) + "))" : "";
    function fit(slider) { box.style.maxWidth = slider ? limit : ""; }

    function show(value) {
      var v = Math.max(0, Math.min(100, Number(value)));
      var left = labels[0].textContent, right = labels[1].textContent, shown = Math.round(v);
      after.style.clipPath = "inset(0 0 0 " + v + "%)";
      if (afterMask) { afterMask.style.clipPath = "inset(0 0 0 " + v + "%)"; }
      if (beforeMask) { beforeMask.style.clipPath = "inset(0 " + (100 - v) + "% 0 0)"; }
      handle.style.left = v + "%";
      range.setAttribute("aria-label", "Divider between the left photo, " + left + ", and the right photo, " + right);
      range.setAttribute("aria-valuetext", shown + " % shows " + left + ", " + (100 - shown) + " % shows " + right);
    }

    var KEYS = {ArrowLeft: -5, ArrowDown: -5, ArrowRight: 5, ArrowUp: 5, PageDown: -25, PageUp: 25,
                Home: -100, End: 100};
    range.addEventListener("keydown", function (event) {
      if (!Object.prototype.hasOwnProperty.call(KEYS, event.key)) { return; }
      event.preventDefault();
      range.value = String(Math.max(0, Math.min(100, Math.round(Number(range.value)) + KEYS[event.key])));
      show(range.value);
    });

    function fromPointer(event) {
      var rect = stage.getBoundingClientRect();
      range.value = String(((event.clientX - rect.left) / rect.width) * 100);
      show(range.value);
    }

    range.addEventListener("input", function () { show(range.value); });
    stage.addEventListener("pointerdown", function (event) {
      stage.setPointerCapture(event.pointerId);
      fromPointer(event);
    });
    stage.addEventListener("pointermove", function (event) {
      if (stage.hasPointerCapture(event.pointerId)) { fromPointer(event); }
    });
    toggle.addEventListener("click", function () {
      var slider = box.classList.toggle("is-slider");
      toggle.textContent = slider ? "Show side by side" : "Show slider";
      fit(slider);
    });

    box.classList.add("is-enhanced", "is-slider");
    fit(true);
    show(range.value);
    var sides = {
      left: {img: before, mask: beforeMask, label: labels[0], figure: figures[0], cls: "compare-before-mask"},
      right: {img: after, mask: afterMask, label: labels[1], figure: figures[1], cls: "compare-after-mask"}
    };
    pickers(box, sides, stage, function () { show(range.value); });
  }

  function setMask(side, stage, url) {
    if (!url) {
      if (side.mask) { side.mask.hidden = true; }
      return;
    }
    if (!side.mask) {
      side.mask = make("img", "mask-overlay " + side.cls);
      side.mask.alt = "";
      stage.insertBefore(side.mask, side.img.nextSibling);
    }
    side.mask.hidden = false;
    side.mask.src = url;
  }

  function setFigure(figure, opt, role) {
    var img = figure.querySelector("img.photo-img");
    var overlay = figure.querySelector("img.mask-overlay");
    img.src = opt.getAttribute("data-src");
    img.alt = opt.getAttribute("data-alt");
    img.setAttribute("width", opt.getAttribute("data-width"));
    img.setAttribute("height", opt.getAttribute("data-height"));
    if (overlay) {
      overlay.hidden = !opt.getAttribute("data-overlay");
      if (!overlay.hidden) { overlay.src = opt.getAttribute("data-overlay"); }
    }
    var date = figure.querySelector(".compare-date");
    date.textContent = opt.getAttribute("data-date");
    date.href = opt.getAttribute("data-href");
    figure.querySelector(".compare-caption").textContent = opt.getAttribute("data-caption");
    var framing = figure.querySelector(".framing");
    if (framing) {
      framing.textContent = opt.getAttribute("data-framing");
      framing.className = "sub framing framing-" + opt.getAttribute("data-framing-kind");
    }
    figure.querySelector(".compare-role").textContent = role;
    figure.setAttribute("data-label", opt.getAttribute("data-date"));
  }

  function pickers(box, sides, stage, redraw) {
    var section = box.parentNode;
    var holder = section.querySelector(".compare-pickers");
    if (!holder) { return; }
    holder.hidden = false;
    var selects = holder.querySelectorAll("select.compare-pick");
    Array.prototype.forEach.call(selects, function (select) {
      select.addEventListener("change", function () {
        var side = sides[select.getAttribute("data-side")];
        var opt = select.options[select.selectedIndex];
        side.img.src = opt.getAttribute("data-src");
        side.img.alt = opt.getAttribute("data-alt");
        setMask(side, stage, opt.getAttribute("data-overlay"));
        side.label.textContent = opt.getAttribute("data-date");
        setFigure(side.figure, opt, select.parentNode.firstChild.textContent.trim());
        redraw();
      });
    });
  }

  var boxes = document.querySelectorAll("[data-compare]");
  for (var i = 0; i < boxes.length; i += 1) { setup(boxes[i]); }
}());
