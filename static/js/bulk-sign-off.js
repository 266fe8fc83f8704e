// Forms to Sign-Off's list: a box that ticks (or clears) every form on the page, shown only where this script runs;
// and the fields that the chosen action needs (closing date and name, or the reason). The server checks them again.
(function () {
  "use strict";
  var form = document.getElementById("bulk-sign-off");
  if (!form) {
    return;
  }
  var all = form.querySelector("[data-tick-all]");
  var boxes = form.querySelectorAll("[data-tick]");
  function reflect() {
    var ticked = 0;
    boxes.forEach(function (box) {
      if (box.checked) {
        ticked += 1;
      }
    });
    all.checked = ticked === boxes.length;
    all.indeterminate = ticked > 0 && ticked < boxes.length;
  }
  all.hidden = false;
  all.addEventListener("change", function () {
    boxes.forEach(function (box) {
      box.checked = all.checked;
    });
  });
  boxes.forEach(function (box) {
    box.addEventListener("change", reflect);
  });
  reflect();

  var parts = form.querySelectorAll("[data-show-for-action]");
  function show() {
    var chosen = form.querySelector("input[name=action]:checked");
    parts.forEach(function (part) {
      part.hidden = !chosen || part.dataset.showForAction !== chosen.value;
    });
  }
  form.querySelectorAll("input[name=action]").forEach(function (radio) {
    radio.addEventListener("change", show);
  });
  show();
})();
