// Follows the background job of an issued batch: chunks of PDFs stored and e-mails sent, every second.
(function () {
  "use strict";
  var section = document.getElementById("batch-progress");
  if (!section) { return; }
  var bar = section.querySelector("progress");
  function field(name) { return section.querySelector('[data-field="' + name + '"]'); }
  function poll() {
    fetch(section.dataset.url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (progress) {
        bar.value = progress.percent;
        bar.textContent = progress.percent + " %";
        field("rendered").textContent = progress.rendered;
        field("chunks_done").textContent = progress.chunks_done;
        field("chunks").textContent = progress.chunks;
        field("sent").textContent = progress.sent;
        if (progress.done) {
          field("done").hidden = false;
          section.dataset.done = "true";
        } else {
          window.setTimeout(poll, 1000);
        }
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  poll();
})();
