// The upload page, enhanced: several files at once, each sent to the API with its own
// progress bar, then its processing state shown live (htmx polls the status fragment).
// Without JavaScript the form still uploads one file the ordinary way.
(function () {
  "use strict";
  const form = document.querySelector("[data-upload-form]");
  if (!form || !window.XMLHttpRequest || !window.FormData) return;

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

  function send(job) {
    return new Promise((resolve) => {
      const data = new FormData();
      data.append("file", job.file);
      for (const field of ["title", "description", "tags", "licence", "kind"]) {
        const control = form.elements.namedItem(field);
        if (control && control.value) data.append(field, control.value);
      }
      const xhr = new XMLHttpRequest();
      xhr.open("POST", form.dataset.api);
      xhr.setRequestHeader("X-CSRFToken", csrf);
      xhr.setRequestHeader("Accept", "application/json");
      xhr.responseType = "json";
      job.state.textContent = "Uploading…";
      xhr.upload.addEventListener("progress", (event) => {
        if (!event.lengthComputable) return;
        const percent = Math.round((event.loaded / event.total) * 100);
        job.bar.value = percent;
        job.state.textContent = "Uploading… " + percent + "% of " + sizeText(event.total);
      });
      xhr.addEventListener("load", () => {
        const body = xhr.response || {};
        if (xhr.status === 201) {
          job.bar.remove();
          const link = el("a", "upload-item__name", body.title);
          link.href = body.url;
          job.item.querySelector(".upload-item__name").replaceWith(link);
          const status = el("div", "upload-item__status");
          status.setAttribute("hx-get", body.url + "/status");
          status.setAttribute("hx-trigger", "load");
          status.setAttribute("hx-swap", "outerHTML");
          job.state.replaceWith(status);
          if (window.htmx) window.htmx.process(status);
          cite(body.url, job);
        } else {
          fail(job.item, job.bar, job.state, body.detail || "The upload failed (" + xhr.status + ").");
        }
        resolve();
      });
      xhr.addEventListener("error", () => {
        fail(job.item, job.bar, job.state, "The connection failed during the upload; try again.");
        resolve();
      });
      xhr.send(data);
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
