// The timeline editor, enhanced: reorder items by dragging their handle or with
// Alt+ArrowUp/Alt+ArrowDown on it (said in the live region), and trim clips and sounds at
// a player's playhead ("Set in", "Set out", "Play in to out"). Without it the page works
// the same through its buttons and fields; saving always posts the form.
(function () {
  "use strict";

  const form = document.querySelector("[data-editor]");
  if (!form) return;
  const announcer = form.querySelector("[data-announce]");
  const dirty = form.querySelector("[data-dirty]");

  function say(text) {
    // Emptied first, so the same sentence twice is read twice.
    announcer.textContent = "";
    window.setTimeout(() => { announcer.textContent = text; }, 50);
  }

  function itemsOf(list) {
    return Array.from(list.children).filter((li) => li.hasAttribute("data-item"));
  }

  function labelOf(li) {
    const label = li.querySelector("[data-label]");
    return label ? label.textContent.trim() : "item";
  }

  // Labels carry the place ("Clip 2", "Sound 1.3"): renumber them, the buttons named by
  // them, and which of the Up/Down buttons make sense, after any move.
  function renumber(list) {
    const items = itemsOf(list);
    items.forEach((li, i) => {
      const label = li.querySelector("[data-label]");
      if (label) label.textContent = label.textContent.trim().replace(/\d+$/, String(i + 1));
      const text = labelOf(li);
      const lower = text.charAt(0).toLowerCase() + text.slice(1);
      li.querySelectorAll("[data-label-ref]").forEach((span) => { span.textContent = ` (${lower})`; });
      const handle = li.querySelector("[data-handle]");
      if (handle) handle.setAttribute("aria-label", `Move ${lower}`);
      const up = li.querySelector("button[value^='up:']");
      const down = li.querySelector("button[value^='down:']");
      if (up) up.disabled = i === 0;
      if (down) down.disabled = i === items.length - 1;
    });
  }

  function moved(li, oldLabel, to) {
    renumber(li.parentElement);
    if (dirty) dirty.hidden = false;
    const lower = oldLabel.charAt(0).toLowerCase() + oldLabel.slice(1);
    say(`Moved ${lower} to position ${to}`);
  }

  function moveBy(li, by) {
    const list = li.parentElement;
    const items = itemsOf(list);
    const from = items.indexOf(li);
    const to = from + by;
    if (to < 0 || to >= items.length) return;
    const before = labelOf(li);
    list.insertBefore(li, by < 0 ? items[to] : items[to].nextSibling);
    moved(li, before, to + 1);
  }

  form.querySelectorAll("[data-sortable]").forEach((list) => {
    let dragged = null;
    let draggedLabel = "";
    let startIndex = -1;

    itemsOf(list).forEach((li) => {
      const handle = li.querySelector("[data-handle]");
      if (!handle) return;
      handle.hidden = false;
      handle.addEventListener("keydown", (event) => {
        if (!event.altKey || (event.key !== "ArrowUp" && event.key !== "ArrowDown")) return;
        event.preventDefault();
        moveBy(li, event.key === "ArrowUp" ? -1 : 1);
        handle.focus(); // moving the item took the focus away
      });
      // Only the handle drags (the item goes with it): the fields stay selectable.
      handle.draggable = true;
      handle.addEventListener("dragstart", (event) => {
        dragged = li;
        draggedLabel = labelOf(li);
        startIndex = itemsOf(list).indexOf(li);
        li.classList.add("is-dragging");
        event.dataTransfer.effectAllowed = "move";
        event.dataTransfer.setData("text/plain", draggedLabel);
        event.dataTransfer.setDragImage(li, 20, 20);
      });
      handle.addEventListener("dragend", () => {
        li.classList.remove("is-dragging");
        if (dragged) {
          const now = itemsOf(list).indexOf(dragged);
          if (now !== startIndex) moved(dragged, draggedLabel, now + 1);
        }
        dragged = null;
      });
    });

    list.addEventListener("dragover", (event) => {
      if (!dragged) return; // only this list's own items move here
      const over = event.target.closest && event.target.closest("[data-item]");
      if (!over || over.parentElement !== list) return;
      event.preventDefault();
      if (over === dragged) return;
      const box = over.getBoundingClientRect();
      const after = event.clientY > box.top + box.height / 2;
      list.insertBefore(dragged, after ? over.nextSibling : over);
    });
    list.addEventListener("drop", (event) => { if (dragged) event.preventDefault(); });
  });

  // Trimming at the playhead.
  form.querySelectorAll("[data-player]").forEach((box) => {
    const media = box.querySelector("video, audio");
    const item = box.closest("[data-item]");
    const tools = box.querySelector("[data-trim]");
    if (!media || !item || !tools) return;
    const start = item.querySelector("[data-in]");
    const end = item.querySelector("[data-out]");
    const playhead = tools.querySelector("[data-playhead]");
    tools.hidden = false;
    let stopAt = null;

    const seconds = (value) => Math.round(value * 100) / 100;
    media.addEventListener("timeupdate", () => {
      if (playhead) playhead.textContent = `Playhead ${seconds(media.currentTime).toFixed(2)} s`;
      if (stopAt !== null && media.currentTime >= stopAt) {
        media.pause();
        stopAt = null;
      }
    });
    tools.querySelectorAll("[data-set]").forEach((button) => {
      button.addEventListener("click", () => {
        const field = button.dataset.set === "in" ? start : end;
        if (!field) return;
        field.value = String(seconds(media.currentTime));
        field.dispatchEvent(new Event("change", { bubbles: true }));
        say(`${button.dataset.set === "in" ? "In" : "Out"} of ${labelOf(item).toLowerCase()} set to ${field.value} s`);
      });
    });
    const range = tools.querySelector("[data-play-range]");
    if (range) {
      range.addEventListener("click", () => {
        const from = parseFloat(start && start.value) || 0;
        const to = parseFloat(end && end.value);
        stopAt = Number.isFinite(to) && to > from ? to : null;
        media.currentTime = from;
        media.play().catch(() => {});
      });
    }
  });
})();
