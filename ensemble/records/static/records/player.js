// Record page: a waveform that follows and seeks the audio, zoom for images, and a reload
// when processing finishes. Everything works without it (plain controls, links).
(function () {
  "use strict";

  const page = document.querySelector("[data-reload-when-processed]");
  if (page) document.body.addEventListener("record-processed", () => window.location.reload());

  const player = document.querySelector("[data-audio-player]");
  const box = player && player.querySelector("[data-waveform]");
  if (box) {
    const audio = player.querySelector("audio");
    fetch(box.dataset.waveform, { credentials: "same-origin" })
      .then((response) => (response.ok ? response.json() : Promise.reject(response.status)))
      .then((data) => drawWaveform(box, audio, data.peaks))
      .catch(() => {}); // the static waveform picture stays in place
  }

  function drawWaveform(box, audio, peaks) {
    const canvas = document.createElement("canvas");
    canvas.className = "waveform__canvas";
    box.replaceChildren(canvas);
    const style = getComputedStyle(box);
    const played = style.getPropertyValue("--wave-played").trim() || "#c2410c";
    const rest = style.getPropertyValue("--wave-rest").trim() || "#999";

    function paint() {
      const ratio = window.devicePixelRatio || 1;
      const width = box.clientWidth;
      const height = box.clientHeight;
      canvas.width = width * ratio;
      canvas.height = height * ratio;
      const ctx = canvas.getContext("2d");
      ctx.scale(ratio, ratio);
      const done = audio.duration ? audio.currentTime / audio.duration : 0;
      const bar = width / peaks.length;
      peaks.forEach(([low, high], i) => {
        const top = ((1 - high) / 2) * height;
        const bottom = ((1 - low) / 2) * height;
        ctx.fillStyle = i / peaks.length < done ? played : rest;
        ctx.fillRect(i * bar, top, Math.max(bar - 0.5, 0.5), Math.max(bottom - top, 1));
      });
    }

    canvas.addEventListener("click", (event) => {
      if (!audio.duration) return;
      const rect = canvas.getBoundingClientRect();
      audio.currentTime = ((event.clientX - rect.left) / rect.width) * audio.duration;
      audio.play();
    });
    audio.addEventListener("timeupdate", paint);
    audio.addEventListener("seeked", paint);
    audio.addEventListener("loadedmetadata", paint);
    window.addEventListener("resize", paint);
    paint();
  }

  // Image zoom: the link opens the full-size image in place; Escape or a click closes it.
  const zoom = document.querySelector("[data-zoom]");
  if (zoom) {
    const link = zoom.querySelector("[data-zoom-link]");
    link.addEventListener("click", (event) => {
      event.preventDefault();
      const dialog = document.createElement("dialog");
      dialog.className = "zoom-dialog";
      dialog.setAttribute("aria-label", "Full-size image");
      const img = document.createElement("img");
      img.src = link.href;
      img.alt = zoom.querySelector("img").alt;
      const close = document.createElement("button");
      close.type = "button";
      close.className = "btn zoom-dialog__close";
      close.textContent = "Close";
      close.addEventListener("click", () => dialog.close());
      img.addEventListener("click", () => dialog.close());
      dialog.append(close, img);
      dialog.addEventListener("close", () => dialog.remove());
      document.body.append(dialog);
      dialog.showModal();
    });
  }
})();
