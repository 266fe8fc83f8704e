// Print screen: Select all / Select none for the section checkboxes.
document.querySelectorAll("[data-select-buttons]").forEach(function (buttons) {
  var boxes = buttons.closest("fieldset").querySelectorAll("input[type=checkbox]");
  buttons.hidden = false;
  buttons.addEventListener("click", function (event) {
    var choice = event.target.dataset.select;
    if (!choice) {
      return;
    }
    boxes.forEach(function (box) {
      box.checked = choice === "all";
    });
  });
});
