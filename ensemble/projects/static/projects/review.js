// The review grid, in place and from the keyboard.
//
// Keys (listed on the page): j / k, or ↓ / ↑ on an entry, move between entries; x chooses
// the entry you are on; 1–5 score it; s, a and d shortlist, select or decline the chosen
// entries, or else the one you are on; r re-sorts (reloads, least reviewed first).
//
// Scores and decisions are the page's own forms, sent through htmx: the server answers
// only what changed (review.html's `changed` partial: those entries, a sentence for the
// live region, the tally) and htmx swaps it in by id, so focus, place and order stay put.
// Changes are sent one at a time, in the order asked, each with its own values read when
// the key was pressed. A refusal comes back the same way with its 4xx status; anything
// else that fails (a 429 from a proxy, a lost connection) is said here, on the entry and
// in the live region. Without this script the page is plain forms that reload it.
(function () {
  "use strict";
  const root = document.querySelector("[data-review]");
  const grid = document.getElementById("review-grid");
  const decideForm = document.getElementById("decide-form");
  const status = document.getElementById("review-status");
  if (!root || !grid || !decideForm || !status) return;
  const resort = document.getElementById("review-resort");
  const htmx = window.htmx;
  const FRAGMENT = "Ensemble-Review"; // set by the views on the answers meant for us
  const TYPING = "input:not([type=checkbox]):not([type=radio]), textarea, select, [contenteditable]";
  let currentId = null; // the entry the reviewer is on, kept while its element is swapped
  let within = null; // where in that entry focus was: a selector for the same control
  let queue = Promise.resolve();
  let pending = null; // the change being sent: {ids, decision}

  const cards = () => Array.from(grid.querySelectorAll("[data-entry]"));
  const cardOf = (el) => (el && el.closest ? el.closest("[data-entry]") : null);
  const byId = (id) => (id ? document.getElementById(`entry-${id}`) : null);
  const current = () => cardOf(document.activeElement) || byId(currentId);
  const chosen = () => Array.from(grid.querySelectorAll('input[name="entry"]:checked'), (box) => box.value);

  function focusCard(card) {
    if (!card) return;
    currentId = card.dataset.entry;
    card.focus();
  }

  function move(step) {
    const all = cards();
    if (!all.length) return;
    const at = all.indexOf(current());
    focusCard(all[at < 0 ? 0 : Math.max(0, Math.min(all.length - 1, at + step))]);
  }

  grid.addEventListener("focusin", (event) => {
    const card = cardOf(event.target);
    if (!card) return;
    currentId = card.dataset.entry;
    const el = event.target;
    if (el.matches('button[name="value"]')) within = `button[name="value"][value="${el.value}"]`;
    else if (el.matches('input[name="entry"]')) within = 'input[name="entry"]';
    else within = null;
  });

  // The entry the reviewer was on was swapped for its new version: focus goes back to
  // the same control in it (or to the entry), not to the top of the page.
  root.addEventListener("htmx:oobAfterSwap", (event) => {
    const card = event.target; // the new element (event.detail.target is the one it replaced)
    if (!card.matches("[data-entry]") || card.dataset.entry !== currentId) return;
    const lost = !document.activeElement || document.activeElement === document.body;
    if (lost) ((within && card.querySelector(within)) || card).focus({ preventScroll: true });
  });

  // A failure said on the entry, where the server puts its refusals (review.html).
  function mark(id, text) {
    const card = byId(id);
    if (!card) return;
    let slot = document.getElementById(`entry-${id}-error`);
    if (!slot) {
      slot = document.createElement("p");
      slot.className = "review-error";
      slot.id = `entry-${id}-error`;
      card.querySelector(".record-card__meta").before(slot);
    }
    slot.textContent = text;
    card.setAttribute("aria-describedby", slot.id);
  }

  // A sentence in the live region (read out, and shown at the bottom of the screen) and,
  // for a failure, on the entries it concerns.
  function say(text, failed, ids) {
    const line = document.createElement("p");
    line.className = `message message--${failed ? "error" : "success"}`;
    line.textContent = text;
    status.replaceChildren(line);
    if (failed) (ids || []).forEach((id) => mark(id, text));
  }

  function failure(xhr) {
    if (!xhr || !xhr.status) return "Not saved: the server could not be reached. Try again.";
    if (xhr.status === 429) {
      const wait = parseInt(xhr.getResponseHeader("Retry-After") || "", 10);
      const when = wait > 0 ? `in ${wait} second${wait === 1 ? "" : "s"}` : "in a moment";
      return `Not saved: too many changes at once. Try again ${when}.`;
    }
    if (xhr.status === 403 || xhr.status < 400) return "Not saved: you are signed out. Reload the page and sign in.";
    return `Not saved: the server answered with an error (${xhr.status}). Try again.`;
  }

  // Each change waits for the one before, so they happen in the order they were asked.
  function send(url, values, change) {
    values.csrfmiddlewaretoken = decideForm.elements.csrfmiddlewaretoken.value;
    queue = queue
      .then(() => {
        pending = change;
        return htmx.ajax("POST", url, { source: root, values: values, swap: "none" });
      })
      .catch(() => {}) // said by the handlers below
      .then(() => {
        pending = null;
        if (!document.activeElement || document.activeElement === document.body) focusCard(byId(currentId));
      });
  }

  root.addEventListener("htmx:beforeSwap", (event) => {
    const xhr = event.detail.xhr;
    if (xhr.getResponseHeader(FRAGMENT)) {
      event.detail.shouldSwap = true; // a refusal (4xx) is ours to show, too
      event.detail.isError = false;
      if (xhr.status < 300 && pending && pending.decision) decideForm.elements.note.value = "";
    } else {
      // Not from the review's views: a throttle, a server error, or a sign-in page the
      // request was sent to because the session ended. Nothing was saved; say so.
      event.detail.shouldSwap = false;
      event.detail.isError = false; // said here; htmx need not log it as unexpected
      say(failure(xhr), true, pending && pending.ids);
    }
  });
  root.addEventListener("htmx:sendError", () => say(failure(null), true, pending && pending.ids));

  function score(card, value) {
    const form = card.querySelector("[data-review-score]");
    if (!htmx) {
      form.requestSubmit(form.querySelector(`button[value="${value}"]`));
      return;
    }
    send(form.action, { value: value }, { ids: [card.dataset.entry] });
  }

  function decide(state, ids) {
    if (!htmx) {
      decideForm.elements.state.value = state;
      decideForm.requestSubmit();
      return;
    }
    const values = { state: state, note: decideForm.elements.note.value, entry: ids };
    send(decideForm.action, values, { ids: ids, decision: true });
  }

  function decideByKey(state) {
    let ids = chosen();
    const card = current();
    if (!ids.length && card) ids = [card.dataset.entry];
    if (!ids.length) {
      say("Nothing to decide yet: move to an entry with j, or choose some with x.", true);
      return;
    }
    if (!htmx) ids.forEach((id) => (document.getElementById(`pick-${id}`).checked = true));
    decide(state, ids);
  }

  if (htmx) {
    document.addEventListener("submit", (event) => {
      const form = event.target;
      if (form.matches("[data-review-score]")) {
        event.preventDefault();
        const value = event.submitter ? event.submitter.value : "";
        send(form.action, { value: value }, { ids: [cardOf(form).dataset.entry] });
      } else if (form === decideForm) {
        event.preventDefault();
        decide(decideForm.elements.state.value, chosen());
      }
    });
  }

  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) return;
    const target = event.target;
    if (target.closest && target.closest(TYPING)) return;
    const card = current();
    switch (event.key) {
      case "j": move(1); break;
      case "k": move(-1); break;
      case "ArrowDown":
      case "ArrowUp":
        // Only on an entry: elsewhere arrows scroll the page, and in a player they seek.
        if (!cardOf(target) || target.closest("audio, video")) return;
        move(event.key === "ArrowDown" ? 1 : -1);
        break;
      case "x": {
        if (!card) return;
        const box = card.querySelector('input[name="entry"]');
        box.checked = !box.checked;
        break;
      }
      case "s": decideByKey("shortlisted"); break;
      case "a": decideByKey("selected"); break;
      case "d": decideByKey("declined"); break;
      case "r": if (resort) window.location.assign(resort.href); break;
      default:
        if (card && /^[1-5]$/.test(event.key)) {
          score(card, event.key);
          break;
        }
        return;
    }
    event.preventDefault();
  });
})();
