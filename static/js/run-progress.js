// The CLD extract run page: while the run is queued or running, ask the server where it has got to every two
// seconds and move the progress bar; when it has ended, load the page again to show what it found.
(function () {
  "use strict";
  var section = document.getElementById("run-progress");
  if (!section) return;
  var bar = document.getElementById("run-bar");
  var label = document.getElementById("run-bar-label");
  var announcer = document.getElementById("run-announce");
  var quarterSaid = 0;
  var takenSaid = section.getAttribute("data-state") === "running";
  var address = section.getAttribute("data-progress-url");

  function show(progress) {
    if (progress.state !== "queued" && progress.state !== "running") {
      window.location.reload();
      return;
    }
    if (progress.state === "running" && !takenSaid) {
      takenSaid = true;
      announcer.textContent = "A worker has taken the run.";
    }
    if (progress.state === "running" && progress.rows_expected !== null) {
      bar.max = Math.max(progress.rows_expected, 1);
      bar.value = progress.rows_done;
      bar.textContent = progress.rows_done + " rows";
      label.textContent = progress.rows_done + " of " + progress.rows_expected + " rows checked.";
      // The bar moves every two seconds; a screen reader hears only each quarter passed
      var quarter = Math.floor((4 * progress.rows_done) / Math.max(progress.rows_expected, 1));
      if (quarter > quarterSaid && quarter < 4) {
        quarterSaid = quarter;
        announcer.textContent = quarter * 25 + "% of the rows checked.";
      }
    }
    window.setTimeout(ask, 2000);
  }

  function stop(why) {
    label.textContent = why + " Use Refresh to see how the run stands.";
    announcer.textContent = label.textContent;
  }

  function ask() {
    fetch(address, { headers: { Accept: "application/json" }, credentials: "same-origin", redirect: "manual" })
      .then(function (response) {
        var type = response.headers.get("Content-Type") || "";
        if (!response.ok || type.indexOf("application/json") !== 0) {
          stop("The page could not ask how far the run has got (signed out, or no longer allowed).");
          return null;
        }
        return response.json();
      })
      .then(function (progress) { if (progress) show(progress); })
      .catch(function () { window.setTimeout(ask, 5000); });  // the network: try again
  }

  window.setTimeout(ask, 1000);
})();
