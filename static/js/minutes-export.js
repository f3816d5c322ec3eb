// Follows the task that lays out a large meeting's minutes, every second, then shows its link.
(function () {
  "use strict";
  var section = document.getElementById("minutes-export");
  if (!section || section.dataset.done === "true") { return; }
  function field(name) { return section.querySelector('[data-field="' + name + '"]'); }
  function poll() {
    fetch(section.dataset.url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (progress) {
        if (progress.done || progress.error) {
          window.location.reload();  // the link (and, for a draft, the date), or the retry
        } else {
          window.setTimeout(poll, 1000);
        }
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  poll();
})();
