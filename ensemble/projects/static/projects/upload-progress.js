// Forms marked data-progress-form upload with a progress bar. A file goes up in pieces
// through tus (/api/v1/resumable/, naming the call: projects.resumable_entries), so a
// phone losing its signal at a live show resumes where it stopped, and so does the same
// file chosen again after the page was closed; then the page is opened again, listing it.
// A text (no file), or a browser without what tus needs, is the same POST the form would
// make, sent by XMLHttpRequest so its progress shows. Without JavaScript the form posts.
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
      if (form.dataset.resumable && window.tus && window.tus.isSupported) {
        resumable(form, file, bar, button, errors);
        return;
      }
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

  function refusal(error) {
    const response = error && error.originalResponse;
    if (response) {
      try {
        const body = JSON.parse(response.getBody() || "{}");
        if (body.detail) return body.detail;
      } catch (e) { /* not JSON: say it plainly below */ }
    }
    return "The upload stopped. Check your connection and send it again: it resumes where it stopped.";
  }

  function resumable(form, file, bar, button, errors) {
    const metadata = { filename: file.name, call: form.dataset.call };
    const title = form.querySelector('[name="title"]');
    if (title && title.value.trim()) metadata.title = title.value.trim();
    const choices = form.querySelectorAll('input[name="resources"]');
    if (choices.length) {
      metadata.resources = Array.from(choices).filter((c) => c.checked).map((c) => c.value).join(",");
    }
    const csrf = form.querySelector('input[name="csrfmiddlewaretoken"]').value;
    bar.hidden = false;
    button.disabled = true;
    errors.hidden = true;
    const upload = new window.tus.Upload(file, {
      endpoint: form.dataset.resumable,
      chunkSize: 8 * 1024 * 1024,
      retryDelays: [0, 1000, 3000, 5000, 10000, 20000, 30000],
      metadata: metadata,
      headers: { "X-CSRFToken": csrf },
      removeFingerprintOnSuccess: true,
      onProgress: function (sent, total) {
        const percent = Math.floor((100 * sent) / total);
        bar.value = percent;
        bar.textContent = percent + "%";
      },
      onError: function (error) {
        bar.hidden = true;
        button.disabled = false;
        errors.textContent = refusal(error);
        errors.hidden = false;
        errors.focus();
      },
      // The page that says it was sent (and where it stands), as after the form's post.
      onSuccess: function () {
        const id = upload.url.split("/").pop();
        window.location.assign(form.dataset.done + "&upload=" + encodeURIComponent(id));
      },
    });
    upload.findPreviousUploads().then(function (previous) {
      if (previous.length) upload.resumeFromPreviousUpload(previous[0]);
      upload.start();
    });
  }
})();
