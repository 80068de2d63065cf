/* The article header's sidebar buttons (☰ for the chapter list, "On this page" for the
   page's contents) do nothing: pydata-sphinx-theme 0.17 (issue #2451) wires only the
   first .primary-toggle / .secondary-toggle of the page, and since 0.17 that is a button
   of its own top navbar, which sphinx-book-theme hides. The buttons a reader sees come
   later (sphinx-book-theme's article header) and get no listener; on a phone the chapter
   list cannot be opened at all. sphinx-book-theme's wide-screen handler (hide the
   sidebar instead of opening a drawer) sits on the same hidden button.

   Each visible button passes its click to the wired one, so the themes' own code runs:
   a drawer (<dialog>) on a narrow screen, the sidebar hidden or shown on a wide one.
   Once the drawer closes, the focus goes back to the button that opened it.
   tests/test_site.py opens and closes both drawers at 390 px. Remove this file once the
   theme wires every toggle (the test then still has to pass). */
(function () {
  "use strict";

  function forwardClicks(selector, dialogId) {
    var toggles = document.querySelectorAll(selector);
    if (toggles.length < 2) {
      return; // one button: the theme wired it
    }
    var wired = toggles[0];
    var dialog = document.getElementById(dialogId);
    Array.prototype.slice.call(toggles, 1).forEach(function (toggle) {
      toggle.addEventListener("click", function (event) {
        event.preventDefault();
        event.stopPropagation();
        wired.click();
        if (dialog && dialog.open) {
          dialog.addEventListener(
            "close",
            function () {
              toggle.focus();
            },
            { once: true }
          );
        }
      });
    });
  }

  function wire() {
    forwardClicks(".primary-toggle", "pst-primary-sidebar-modal");
    forwardClicks(".secondary-toggle", "pst-secondary-sidebar-modal");
  }

  // After the theme's deferred scripts have wired the first buttons.
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", wire);
  } else {
    wire();
  }
})();
