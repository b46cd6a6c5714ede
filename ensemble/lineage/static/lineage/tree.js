// Pan and zoom for the remix tree: drag, wheel, and the keyboard (+, −, 0, arrows) on the
// focused frame. The SVG is complete without this; it only moves the viewBox.
(function () {
  "use strict";
  const frame = document.querySelector("[data-tree]");
  const svg = frame && frame.querySelector("svg");
  if (!svg) return;
  const full = svg.viewBox.baseVal;
  const home = { x: full.x, y: full.y, w: full.width, h: full.height };
  let view = { ...home };
  svg.removeAttribute("width");
  svg.removeAttribute("height");
  frame.classList.add("tree-frame--interactive");

  function apply() {
    svg.setAttribute("viewBox", `${view.x} ${view.y} ${view.w} ${view.h}`);
  }

  function zoom(factor, cx = view.x + view.w / 2, cy = view.y + view.h / 2) {
    const w = Math.min(home.w * 4, Math.max(home.w / 8, view.w * factor));
    const h = (w / view.w) * view.h;
    view = { x: cx - ((cx - view.x) * w) / view.w, y: cy - ((cy - view.y) * h) / view.h, w, h };
    apply();
  }

  function point(event) {
    const rect = svg.getBoundingClientRect();
    return {
      x: view.x + ((event.clientX - rect.left) / rect.width) * view.w,
      y: view.y + ((event.clientY - rect.top) / rect.height) * view.h,
    };
  }

  svg.addEventListener("wheel", (event) => {
    event.preventDefault();
    const p = point(event);
    zoom(event.deltaY > 0 ? 1.15 : 1 / 1.15, p.x, p.y);
  }, { passive: false });

  let drag = null;
  svg.addEventListener("pointerdown", (event) => {
    if (event.target.closest("a")) return; // let links be clicked
    drag = { x: event.clientX, y: event.clientY, view: { ...view } };
    svg.setPointerCapture(event.pointerId);
  });
  svg.addEventListener("pointermove", (event) => {
    if (!drag) return;
    const rect = svg.getBoundingClientRect();
    view.x = drag.view.x - ((event.clientX - drag.x) / rect.width) * view.w;
    view.y = drag.view.y - ((event.clientY - drag.y) / rect.height) * view.h;
    apply();
  });
  svg.addEventListener("pointerup", () => { drag = null; });

  frame.addEventListener("keydown", (event) => {
    const step = view.w / 10;
    const moves = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] };
    if (event.key === "+" || event.key === "=") zoom(1 / 1.25);
    else if (event.key === "-" || event.key === "−") zoom(1.25);
    else if (event.key === "0") { view = { ...home }; apply(); }
    else if (moves[event.key]) { view.x += moves[event.key][0]; view.y += moves[event.key][1]; apply(); }
    else return;
    event.preventDefault();
  });
})();
