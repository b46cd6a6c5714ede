// Forms marked data-progress-form upload with a progress bar: the same POST the form
// would make, sent by XMLHttpRequest so its upload progress can be shown, then the page
// the server redirected to is opened. Without JavaScript the form posts as usual.
(function () {
  "use strict";
  document.querySelectorAll("[data-progress-form]").forEach(function (form) {
    const bar = form.querySelector("[data-progress]");
    const button = form.querySelector('button[type="submit"]');
    const errors = form.querySelector("[data-progress-errors]");
    const maxBytes = Number(form.dataset.maxBytes || 0);
    form.addEventListener("submit", function (event) {
      const input = form.querySelector('input[type="file"]');
      const file = input && input.files[0];
      if (!file || !window.XMLHttpRequest || !window.FormData) return; // plain post
      if (maxBytes && file.size > maxBytes) {
        event.preventDefault();
        input.setCustomValidity("This file is larger than any upload we accept.");
        input.reportValidity();
        input.addEventListener("change", function () { input.setCustomValidity(""); }, { once: true });
        return;
      }
      event.preventDefault();
      const xhr = new XMLHttpRequest();
      xhr.open("POST", form.action);
      bar.hidden = false;
      button.disabled = true;
      xhr.upload.addEventListener("progress", function (e) {
        if (!e.lengthComputable) return;
        const percent = Math.round((100 * e.loaded) / e.total);
        bar.value = percent;
        bar.textContent = percent + "%";
      });
      xhr.setRequestHeader("X-Progress-Upload", "1"); // answer in JSON, not a redirect
      xhr.addEventListener("load", function () {
        let answer = {};
        try { answer = JSON.parse(xhr.responseText); } catch (e) { answer = {}; }
        if (xhr.status < 400 && answer.location) {
          window.location.assign(answer.location);
          return;
        }
        bar.hidden = true;
        button.disabled = false;
        errors.textContent = (answer.errors || ["The upload failed (" + xhr.status + "). Try again."]).join(" ");
        errors.hidden = false;
        errors.focus();
      });
      xhr.addEventListener("error", function () {
        bar.hidden = true;
        button.disabled = false;
        window.alert("The upload was interrupted. Check your connection and send it again.");
      });
      xhr.send(new FormData(form));
    });
  });
})();
