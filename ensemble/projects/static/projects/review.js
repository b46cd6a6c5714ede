// Keyboard review: j / k move between entries, x chooses the focused one, 1–5 scores it,
// s shortlists, a selects (accepts), d declines the chosen entries (or the focused one).
// "?" lists the keys. The page works without this: checkboxes, buttons and a form.
(function () {
  "use strict";
  const form = document.getElementById("decide-form");
  if (!form) return;
  const cards = Array.from(form.querySelectorAll("[data-entry]"));
  const status = document.getElementById("review-keys-status");
  let index = -1;

  function focus(next) {
    if (!cards.length) return;
    index = Math.max(0, Math.min(cards.length - 1, next));
    cards[index].focus();
  }

  function decide(state) {
    const chosen = form.querySelectorAll('input[name="entry"]:checked');
    if (!chosen.length && index >= 0) cards[index].querySelector('input[name="entry"]').checked = true;
    if (!form.querySelectorAll('input[name="entry"]:checked').length) return;
    form.querySelector('select[name="state"]').value = state;
    form.requestSubmit();
  }

  document.addEventListener("keydown", (event) => {
    if (event.target.closest("input, textarea, select") || event.ctrlKey || event.metaKey || event.altKey) return;
    const card = index >= 0 ? cards[index] : null;
    switch (event.key) {
      case "j": focus(index + 1); break;
      case "k": focus(index - 1); break;
      case "x":
        if (card) { const box = card.querySelector('input[name="entry"]'); box.checked = !box.checked; }
        break;
      case "s": decide("shortlisted"); break;
      case "a": decide("selected"); break;
      case "d": decide("declined"); break;
      case "?": if (status) status.hidden = !status.hidden; break;
      default:
        if (card && /^[1-5]$/.test(event.key)) {
          card.querySelector(`button[name="value"][value="${event.key}"]`).click();
          break;
        }
        return;
    }
    event.preventDefault();
  });
})();
