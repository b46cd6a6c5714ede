/* Ensemble theme switcher (and the header menus' Escape key, at the end).
 *
 * Loaded synchronously in <head> so the chosen theme is applied before first paint
 * (no flash). <html data-theme> is "auto" (follow the system), "light" or "dark".
 * No eval, no inline styles: safe under the site's strict Content-Security-Policy.
 */
(function () {
  "use strict";

  var KEY = "ensemble-theme";
  var root = document.documentElement;
  var systemDark = window.matchMedia ? window.matchMedia("(prefers-color-scheme: dark)") : null;

  function readStored() {
    try {
      var value = window.localStorage.getItem(KEY);
      return value === "light" || value === "dark" ? value : null;
    } catch (err) {
      // Storage is unavailable (private mode, blocked cookies): follow the system.
      return null;
    }
  }

  function store(theme) {
    try {
      window.localStorage.setItem(KEY, theme);
    } catch (err) {
      // Storage is unavailable: the choice still applies to this page, it just
      // isn't remembered. Skip storing.
      return false;
    }
    return true;
  }

  function effectiveTheme() {
    var theme = root.dataset.theme;
    if (theme === "light" || theme === "dark") {
      return theme;
    }
    return systemDark && systemDark.matches ? "dark" : "light";
  }

  function syncButtons() {
    var pressed = effectiveTheme() === "dark" ? "true" : "false";
    var buttons = document.querySelectorAll("[data-theme-toggle]");
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].setAttribute("aria-pressed", pressed);
    }
  }

  function toggle() {
    var next = effectiveTheme() === "dark" ? "light" : "dark";
    root.dataset.theme = next;
    store(next);
    syncButtons();
  }

  // (a) Apply the stored choice immediately; otherwise leave "auto".
  var stored = readStored();
  if (stored) {
    root.dataset.theme = stored;
  }

  // (b) Wire up the toggle buttons once the document is parsed.
  document.addEventListener("DOMContentLoaded", function () {
    var buttons = document.querySelectorAll("[data-theme-toggle]");
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].addEventListener("click", toggle);
    }
    syncButtons();
  });

  // The header's menus are <details>, which work without script. With it they also
  // close on Escape (focus goes back to their summary) and on a click elsewhere, as
  // people expect of a menu.
  function openMenus() {
    return document.querySelectorAll(".site-header details[open]");
  }
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") {
      return;
    }
    var menus = openMenus();
    for (var i = 0; i < menus.length; i++) {
      var hadFocus = menus[i].contains(document.activeElement);
      menus[i].open = false;
      if (hadFocus) {
        menus[i].querySelector("summary").focus();
      }
    }
  });
  document.addEventListener("click", function (event) {
    var menus = openMenus();
    for (var i = 0; i < menus.length; i++) {
      if (!menus[i].contains(event.target)) {
        menus[i].open = false;
      }
    }
  });

  // Keep aria-pressed truthful when the system theme changes while on "auto".
  if (systemDark) {
    if (systemDark.addEventListener) {
      systemDark.addEventListener("change", syncButtons);
    } else if (systemDark.addListener) {
      systemDark.addListener(syncButtons);
    }
  }
})();
