// On a narrow screen a chart scrolls sideways; start at its right end, the most recent months.
(function () {
  function toLatest() {
    document.querySelectorAll(".chart").forEach(function (box) {
      if (box.scrollWidth > box.clientWidth) { box.scrollLeft = box.scrollWidth; }
    });
  }
  document.querySelectorAll(".chart img").forEach(function (img) {
    if (!img.complete) { img.addEventListener("load", toLatest); }
  });
  toLatest();
})();
