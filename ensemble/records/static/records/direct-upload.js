// Big files straight to the bucket (records.direct, /api/v1/direct-uploads), when the
// site keeps its files in S3: the site signs each part for its exact size, the browser
// PUTs the parts to the store itself (four at a time, each retried), and the site checks
// the result. The upload's id is kept in localStorage: the same file chosen again after a
// dropped connection or a closed page sends only the parts the store does not hold.
// EnsembleDirectUpload.send(file, metadata, {endpoint, csrf, onProgress}) resolves to the
// finished upload ({record_id, …}) or rejects with an Error whose `detail` is for people;
// `unreachable` is set when the store could not be reached at all (no CORS rule for this
// site, say): upload.js then sends the file through the site instead.
(function () {
  "use strict";
  const PARALLEL = 4;
  const RETRY_DELAYS = [1000, 3000, 10000, 30000];

  function refused(detail, extra) {
    const error = new Error(detail);
    error.detail = detail;
    return Object.assign(error, extra || {});
  }

  function api(url, csrf, method, body) {
    return fetch(url, {
      method: method,
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf, Accept: "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    }).then((response) => {
      if (response.status === 204) return null;
      return response.json().then((answer) => {
        if (!response.ok) {
          throw refused(answer.detail || "The upload failed (" + response.status + ").", {
            status: response.status,
          });
        }
        return answer;
      });
    });
  }

  // One part's bytes to its signed address; resolves, or rejects with the status (0:
  // the store was not reached).
  function put(url, blob, onLoaded) {
    return new Promise((resolve, reject) => {
      const request = new XMLHttpRequest();
      request.open("PUT", url);
      request.upload.onprogress = (event) => onLoaded(event.loaded);
      request.onload = () => (request.status < 300 ? resolve() : reject(request.status));
      request.onerror = () => reject(0);
      request.send(blob);
    });
  }

  function wait(ms) {
    return new Promise((resolve) => setTimeout(resolve, ms));
  }

  function storageKey(file) {
    return "ensemble-direct:" + [file.name, file.size, file.lastModified].join(":");
  }

  function resumed(endpoint, csrf, file) {
    const id = window.localStorage.getItem(storageKey(file));
    if (!id) return Promise.resolve(null);
    return api(endpoint + "/" + id, csrf, "GET")
      .then((upload) => (upload.state === "receiving" ? upload : null))
      .catch(() => null);
  }

  function send(file, metadata, options) {
    const endpoint = options.endpoint;
    const csrf = options.csrf;
    const onProgress = options.onProgress || function () {};
    return resumed(endpoint, csrf, file)
      .then((found) => found || api(endpoint, csrf, "POST", Object.assign({ length: file.size }, metadata)))
      .then((upload) => {
        window.localStorage.setItem(storageKey(file), upload.id);
        return sendParts(file, upload, endpoint, csrf, onProgress).then(() => upload);
      })
      .then((upload) => api(endpoint + "/" + upload.id + "/complete", csrf, "POST"))
      .then((finished) => {
        window.localStorage.removeItem(storageKey(file));
        return finished;
      });
  }

  function sendParts(file, upload, endpoint, csrf, onProgress) {
    const held = new Set(upload.received);
    const todo = [];
    for (let n = 1; n <= upload.parts; n += 1) if (!held.has(n)) todo.push(n);
    const loaded = {};
    let sent = 0;
    for (const n of held) sent += Math.min(upload.part_size, file.size - (n - 1) * upload.part_size);
    let reachedStore = held.size > 0;
    const report = () => {
      const inFlight = Object.values(loaded).reduce((a, b) => a + b, 0);
      onProgress(Math.min(file.size, sent + inFlight), file.size);
    };
    report();

    function sendOne(number) {
      const start = (number - 1) * upload.part_size;
      const blob = file.slice(start, Math.min(file.size, start + upload.part_size));
      let attempt = 0;
      const tryOnce = () =>
        // Each attempt signs afresh: an address lives for minutes, a retry may come later.
        api(endpoint + "/" + upload.id + "/parts", csrf, "POST", { numbers: [number] })
          .then((answer) => put(answer.parts[0].url, blob, (n) => { loaded[number] = n; report(); }))
          .then(() => {
            reachedStore = true;
            delete loaded[number];
            sent += blob.size;
            report();
          })
          .catch((status) => {
            delete loaded[number];
            if (status instanceof Error) throw status; // the site refused: no retry
            // Never reached twice: blocked (no CORS rule for this site), not a dropped line.
            if (status === 0 && !reachedStore && attempt >= 1) {
              throw refused("The file store could not be reached.", { unreachable: true, upload: upload });
            }
            if (attempt >= RETRY_DELAYS.length) {
              throw refused("The connection failed during the upload; choose the file again to resume.");
            }
            attempt += 1;
            return wait(RETRY_DELAYS[attempt - 1]).then(tryOnce);
          });
      return tryOnce();
    }

    function worker() {
      const next = todo.shift();
      if (next === undefined) return Promise.resolve();
      return sendOne(next).then(worker);
    }
    const workers = [];
    for (let i = 0; i < Math.min(PARALLEL, todo.length); i += 1) workers.push(worker());
    return Promise.all(workers);
  }

  // Give an upload up (what the store holds of it goes), and forget it.
  function abandon(file, upload, options) {
    window.localStorage.removeItem(storageKey(file));
    return api(options.endpoint + "/" + upload.id, options.csrf, "DELETE").catch(() => null);
  }

  window.EnsembleDirectUpload = { send: send, abandon: abandon };
})();
