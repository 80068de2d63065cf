/* Accessible names and roles that the theme's and Sphinx's markup get wrong (axe-core finds
   them on every page; tests/test_accessibility.py checks the site with it). Jupyter Book
   includes every _static/*.js in every page. Each fix changes only ARIA attributes.

   1. The search buttons (pydata-sphinx-theme) show "Search Ctrl+K" but are named "Search"
      by aria-label: a speech-input user who says what they see does not reach them (WCAG
      2.5.3, Label in Name; axe "label-content-name-mismatch", serious). Without the
      aria-label they are named by their visible text; aria-keyshortcuts tells the shortcut.
   2. The light/dark switch is named "Color mode" but its icons carry titles ("Light",
      "Dark", "System Settings") that Font Awesome turns into the name of the visible icon
      (same rule). Icons inside a named button are decoration: hidden from assistive
      technology, as Font Awesome does for an icon without a title.
   3. Sphinx (docutils) marks the bibliography as role="list" whose entries have the role
      doc-biblioentry, deprecated in DPUB-ARIA 1.1 and no list item any more (axe
      "aria-required-children", critical; "aria-deprecated-role"). They become listitem.
*/
(function () {
  "use strict";

  function nameSearchButtonsByTheirText() {
    document
      .querySelectorAll(".search-button__button[aria-label]")
      .forEach(function (button) {
        button.removeAttribute("aria-label");
        button.setAttribute("aria-keyshortcuts", "Control+K");
      });
  }

  function hideThemeSwitchIcons() {
    document
      .querySelectorAll(".theme-switch-button i[title]")
      .forEach(function (icon) {
        icon.removeAttribute("title");
      });
    document
      .querySelectorAll(".theme-switch-button svg:not([aria-hidden='true'])")
      .forEach(function (svg) {
        svg.querySelectorAll("title").forEach(function (title) {
          title.remove();
        });
        svg.removeAttribute("aria-labelledby");
        svg.removeAttribute("role");
        svg.setAttribute("aria-hidden", "true");
        svg.setAttribute("focusable", "false");
      });
  }

  function bibliographyEntriesAreListItems() {
    document
      .querySelectorAll('[role="list"] > [role="doc-biblioentry"]')
      .forEach(function (entry) {
        entry.setAttribute("role", "listitem");
      });
  }

  function fix() {
    nameSearchButtonsByTheirText();
    hideThemeSwitchIcons();
    bibliographyEntriesAreListItems();
    // Font Awesome swaps each <i> icon for an <svg> a frame later: treat those as they come.
    if (window.MutationObserver) {
      var observer = new MutationObserver(hideThemeSwitchIcons);
      document
        .querySelectorAll(".theme-switch-button")
        .forEach(function (button) {
          observer.observe(button, { childList: true, subtree: true });
        });
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", fix);
  } else {
    fix();
  }
})();
