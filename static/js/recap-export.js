// Follows the task that builds a large recap's workbook, every second, then shows its link.
(function () {
  "use strict";
  var section = document.getElementById("recap-export");
  if (!section || section.dataset.done === "true") { return; }
  var bar = section.querySelector("progress");
  function field(name) { return section.querySelector('[data-field="' + name + '"]'); }
  function poll() {
    fetch(section.dataset.url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (progress) {
        bar.value = progress.percent;
        bar.textContent = progress.percent + " %";
        field("rows_done").textContent = progress.rows_done;
        field("rows_total").textContent = progress.rows_total;
        if (progress.done) {
          field("link").hidden = false;
          section.dataset.done = "true";
        } else if (progress.error) {
          window.location.reload();  // the page offers to start it again
        } else {
          window.setTimeout(poll, 1000);
        }
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  poll();
})();
