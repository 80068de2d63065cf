/* Search-result snippets from the prose: no raw LaTeX, no cell outputs.
   Served by _ext/search_snippets.py on the search page, after Sphinx's searchtools.js. */
(() => {
  "use strict";
  if (typeof Search === "undefined" || typeof Search.htmlToText !== "function") {
    return;
  }
  const htmlToText = Search.htmlToText;
  // Removed from the text a snippet is cut from: outputs of code cells (model summaries,
  // tables, logs), display maths and what MathJax would have drawn, and what is not the
  // page's prose (the print-only table of contents, the header's buttons, the
  // previous/next links).
  const DROP = [
    ".cell_output",
    ".onlyprint",
    "nav",
    ".bd-header-article",
    ".prev-next-area",
    ".bd-footer-article",
    "div.math",
    "mjx-container",
    ".MathJax",
    ".MathJax_Preview",
  ].join(",");
  Search.htmlToText = (htmlString, anchor) => {
    const doc = new DOMParser().parseFromString(htmlString, "text/html");
    doc.querySelectorAll(DROP).forEach((el) => el.remove());
    // An inline formula becomes an ellipsis, so the sentence around it still reads.
    doc.querySelectorAll(".math").forEach((el) => el.replaceWith("…"));
    return htmlToText(doc.documentElement.outerHTML, anchor);
  };
})();
