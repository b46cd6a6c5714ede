// The upload page, enhanced: several files at once, each sent with its own progress bar,
// then its processing state shown live (htmx polls the status fragment). Files go up in
// pieces through tus (/api/v1/resumable/, tus-js-client): a dropped connection or a
// sleeping laptop resumes where it stopped, and so does the same file chosen again after
// the page was closed. When the site keeps its files in S3, big ones go straight to the
// bucket instead (direct-upload.js), resuming the same way. Without JavaScript the form
// still uploads one file the ordinary way.
(function () {
  "use strict";
  const form = document.querySelector("[data-upload-form]");
  if (!form || !window.tus || !window.tus.isSupported || !window.fetch) return;

  const input = form.querySelector('input[type="file"]');
  const dropzone = form.querySelector("[data-dropzone]");
  const list = document.querySelector("[data-upload-list]");
  const section = document.querySelector("[data-upload-list-section]");
  const maxBytes = Number(form.dataset.maxBytes);
  const csrf = form.querySelector('input[name="csrfmiddlewaretoken"]').value;
  const PARALLEL = 2;
  const queue = [];
  let running = 0;

  form.classList.add("upload-form--enhanced");
  input.multiple = true;
  input.required = false;
  form.querySelectorAll("[data-js-only]").forEach((el) => { el.hidden = false; });
  form.querySelector("[data-upload-submit]").remove(); // choosing files uploads them

  function sizeText(n) {
    if (n >= 1024 ** 3) return (n / 1024 ** 3).toFixed(1) + " GB";
    if (n >= 1024 ** 2) return (n / 1024 ** 2).toFixed(1) + " MB";
    return Math.max(1, Math.round(n / 1024)) + " KB";
  }

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  function addFiles(files) {
    if (!files.length) return;
    section.hidden = false;
    for (const file of files) {
      const item = el("li", "upload-item");
      const name = el("span", "upload-item__name", file.name);
      const bar = el("progress", "upload-item__bar");
      bar.max = 100;
      bar.value = 0;
      bar.setAttribute("aria-label", "Uploading " + file.name);
      const state = el("span", "upload-item__state", "Waiting… " + sizeText(file.size));
      item.append(name, bar, state);
      list.append(item);
      if (file.size > maxBytes) {
        fail(item, bar, state, "Too large: the largest upload we accept is " + sizeText(maxBytes) + ".");
        continue;
      }
      queue.push({ file, item, bar, state });
    }
    pump();
  }

  function fail(item, bar, state, message) {
    item.classList.add("upload-item--failed");
    bar.remove();
    state.textContent = message;
    state.setAttribute("role", "alert");
  }

  function pump() {
    while (running < PARALLEL && queue.length) {
      running += 1;
      send(queue.shift()).finally(() => { running -= 1; pump(); });
    }
  }

  // "Built on other work?" (added by the lineage app): cited once the record exists.
  function citation() {
    const fields = form.querySelector("[data-cite]");
    if (!fields) return null;
    const picked = fields.querySelector('input[name="source_pick"]:checked');
    const typed = fields.querySelector('input[name="source"]');
    const match = typed && typed.value.trim().match(/(\d+)\/?$/);
    const id = picked ? picked.value : match && match[1];
    if (!id) return null;
    const kind = fields.querySelector('input[name="source_kind"]:checked');
    return {
      source_id: Number(id),
      kind: kind ? kind.value : "uses",
      note: fields.querySelector('input[name="source_note"]').value,
      part: fields.querySelector('input[name="source_part"]').value,
    };
  }

  function cite(recordUrl, job) {
    const body = citation();
    if (!body) return Promise.resolve();
    const api = form.dataset.api + "/" + recordUrl.split("/").pop() + "/sources";
    return fetch(api, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf, Accept: "application/json" },
      body: JSON.stringify(body),
    }).then((response) => {
      if (response.ok) return;
      return response.json().then((error) => {
        const note = el("span", "upload-item__state", "Saved, but its source was not: " + error.detail);
        note.setAttribute("role", "alert");
        job.item.append(note);
      });
    });
  }

  function done(job, record) {
    job.bar.remove();
    const link = el("a", "upload-item__name", record.title);
    link.href = record.url;
    job.item.querySelector(".upload-item__name").replaceWith(link);
    const status = el("div", "upload-item__status");
    status.setAttribute("hx-get", record.url + "/status");
    status.setAttribute("hx-trigger", "load");
    status.setAttribute("hx-swap", "outerHTML");
    job.state.replaceWith(status);
    if (window.htmx) window.htmx.process(status);
    cite(record.url, job);
  }

  function refusal(error) {
    const response = error && error.originalResponse;
    if (!response) return "The connection failed during the upload; choose the file again to resume.";
    try {
      return JSON.parse(response.getBody()).detail;
    } catch (_) {
      return "The upload failed (" + response.getStatus() + ").";
    }
  }

  function progress(job, sent, total) {
    const percent = Math.floor((sent / total) * 100);
    job.bar.value = percent;
    job.state.textContent = "Uploading… " + percent + "% of " + sizeText(total);
  }

  function send(job) {
    const metadata = { filename: job.file.name };
    for (const field of ["title", "description", "tags", "licence", "kind"]) {
      const control = form.elements.namedItem(field);
      if (control && control.value) metadata[field] = control.value;
    }
    const direct = form.dataset.direct && window.EnsembleDirectUpload;
    if (direct && job.file.size >= Number(form.dataset.directFrom)) return sendDirect(job, metadata);
    return sendResumable(job, metadata);
  }

  // Straight to the bucket (direct-upload.js); through the site when the store cannot be
  // reached from this browser.
  function sendDirect(job, metadata) {
    const options = {
      endpoint: form.dataset.direct,
      csrf: csrf,
      onProgress: (sent, total) => progress(job, sent, total),
    };
    job.state.textContent = "Uploading…";
    return window.EnsembleDirectUpload.send(job.file, metadata, options)
      .then((upload) =>
        fetch(form.dataset.api + "/" + upload.record_id, {
          credentials: "same-origin",
          headers: { Accept: "application/json" },
        })
          .then((response) => response.json())
          .then((record) => done(job, record))
      )
      .catch((error) => {
        if (error.unreachable) {
          window.EnsembleDirectUpload.abandon(job.file, error.upload, options);
          return sendResumable(job, metadata);
        }
        fail(job.item, job.bar, job.state, error.detail || "Uploaded; reload the page to see it.");
      });
  }

  function sendResumable(job, metadata) {
    return new Promise((resolve) => {
      let recordPath = null;
      const upload = new window.tus.Upload(job.file, {
        endpoint: form.dataset.resumable,
        chunkSize: Number(form.dataset.chunkBytes),
        retryDelays: [0, 1000, 3000, 5000, 10000, 20000, 30000],
        metadata: metadata,
        headers: { "X-CSRFToken": csrf },
        removeFingerprintOnSuccess: true,
        onAfterResponse: (request, response) => {
          recordPath = response.getHeader("Ensemble-Record") || recordPath;
        },
        onProgress: (sent, total) => progress(job, sent, total),
        onError: (error) => {
          fail(job.item, job.bar, job.state, refusal(error));
          resolve();
        },
        onSuccess: () => {
          fetch(recordPath, { credentials: "same-origin", headers: { Accept: "application/json" } })
            .then((response) => response.json())
            .then((record) => done(job, record))
            .catch(() => fail(job.item, job.bar, job.state, "Uploaded; reload the page to see it."))
            .finally(resolve);
        },
      });
      job.state.textContent = "Uploading…";
      // The same file chosen again after a dropped connection or a closed page: go on.
      upload.findPreviousUploads().then((previous) => {
        if (previous.length) upload.resumeFromPreviousUpload(previous[0]);
        upload.start();
      });
    });
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    addFiles(Array.from(input.files));
    input.value = "";
  });
  input.addEventListener("change", () => {
    addFiles(Array.from(input.files));
    input.value = "";
  });
  for (const type of ["dragenter", "dragover"]) {
    dropzone.addEventListener(type, (event) => {
      event.preventDefault();
      dropzone.classList.add("dropzone--active");
    });
  }
  for (const type of ["dragleave", "drop"]) {
    dropzone.addEventListener(type, () => dropzone.classList.remove("dropzone--active"));
  }
  dropzone.addEventListener("drop", (event) => {
    event.preventDefault();
    addFiles(Array.from(event.dataTransfer.files));
  });
})();
