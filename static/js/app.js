// Move focus to an error summary when a page shows one, so keyboard and screen-reader users hear it first.
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.querySelector("[data-autofocus]");
  if (summary) {
    summary.focus();
  }
});
