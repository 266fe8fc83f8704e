// Show the fields that the chosen Status needs (closing date and name; return reason). The server checks them again.
document.querySelectorAll("[data-status-block]").forEach(function (block) {
  var select = block.querySelector("select[name=status]");
  if (!select) {
    return;
  }
  function update() {
    block.querySelectorAll("[data-show-for-status]").forEach(function (part) {
      part.hidden = part.dataset.showForStatus !== select.value;
    });
  }
  select.addEventListener("change", update);
  update();
});
