/* Before/after comparison slider: plain JS, no libraries, works offline and from file://.
   Without JS the baseline and latest photos simply stay side by side. Styles are set through
   the CSSOM (element.style), which the page's Content-Security-Policy allows. A photo's mask
   overlay (img.mask-overlay, shown by the "Show the painted masks" checkbox through CSS)
   follows its photo into the slider and is cut at the divider like it. */
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
    range.step = "0.5";
    range.value = "50";
    range.setAttribute("aria-label", "Divider position: left shows baseline, right shows latest");
    after.setAttribute("aria-hidden", "true");
    var figures = box.querySelectorAll(".compare-item");
    var beforeMask = overlayOf(figures[0], "compare-before-mask");
    var afterMask = overlayOf(figures[1], "compare-after-mask");
    stage.append(before);
    if (beforeMask) { stage.append(beforeMask); }
    stage.append(after);
    if (afterMask) { stage.append(afterMask); }
    stage.append(handle,
                 make("span", "compare-label left", figures[0].getAttribute("data-label") || "Baseline"),
                 make("span", "compare-label right", figures[1].getAttribute("data-label") || "Latest"));
    ui.append(toggle, stage, range);
    box.insertBefore(ui, box.firstChild);

    var w = Number(imgs[0].getAttribute("width")), h = Number(imgs[0].getAttribute("height"));
    // The slider, its range and the dated captions share one width that keeps the photo
    // within the screen height, so both dates and the whole photo are seen at once.
    var limit = w > 0 && h > 0 ? "min(100%, calc(60vh * " + (w / h).toFixed(4) + "))" : "";
    function fit(slider) { box.style.maxWidth = slider ? limit : ""; }

    function show(value) {
      var v = Math.max(0, Math.min(100, Number(value)));
      after.style.clipPath = "inset(0 0 0 " + v + "%)";
      if (afterMask) { afterMask.style.clipPath = "inset(0 0 0 " + v + "%)"; }
      if (beforeMask) { beforeMask.style.clipPath = "inset(0 " + (100 - v) + "% 0 0)"; }
      handle.style.left = v + "%";
    }

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
  }

  var boxes = document.querySelectorAll("[data-compare]");
  for (var i = 0; i < boxes.length; i += 1) { setup(boxes[i]); }
}());
