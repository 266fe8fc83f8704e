// Searchable lookup: a filter box narrows a <select> as the user types. Without JavaScript the plain list still works.
document.querySelectorAll("[data-filter-select]").forEach(function (input) {
  var select = document.getElementById(input.dataset.filterSelect);
  if (!select) {
    return;
  }
  input.hidden = false;
  input.addEventListener("input", function () {
    var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
    Array.prototype.forEach.call(select.options, function (option) {
      var text = option.text.toLowerCase();
      option.hidden = !words.every(function (word) { return text.indexOf(word) !== -1; });
    });
  });
  input.addEventListener("keydown", function (event) {
    if (event.key === "ArrowDown") {
      event.preventDefault();
      var first = Array.prototype.find.call(select.options, function (option) { return !option.hidden; });
      if (first) {
        select.value = first.value;
      }
      select.focus();
    }
  });
});
