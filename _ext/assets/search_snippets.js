/* Search-result snippets from the pages' prose, written by _ext/search_snippets.py into
   search_text.js (window.VAECOURSE_SEARCH_TEXT: per page, its text without outputs, code
   or display maths, and where each section starts). Sphinx's own snippets, which fetch
   each page (nothing over file://) and start mid-word, are turned off.

   Under each result Sphinx lists, a <p class="context">: about 240 characters from the
   start of the sentence (or the word) before the first place a searched word begins a
   word, in the result's section if it has one; every searched word is marked as Sphinx
   marks them (span.highlighted). A word matches by its stem too (Sphinx's stemmer, as
   the index does): "decoders" finds "decoder". */
(() => {
  "use strict";
  const pages = window.VAECOURSE_SEARCH_TEXT;
  const results = document.getElementById("search-results");
  if (!pages || !results) {
    return;
  }
  const BEFORE = 90; // characters of context before the word found, at most
  const LENGTH = 240;

  const query = new URLSearchParams(window.location.search).get("q") || "";
  const stemmer = typeof Stemmer === "function" ? new Stemmer() : null;
  const words = query
    .toLowerCase()
    .split(/[^\p{L}\p{N}_]+/u)
    .filter((w) => w.length > 1);
  const stems = new Set();
  words.forEach((w) => {
    stems.add(w);
    if (stemmer) {
      const s = stemmer.stemWord(w);
      if (s.length > 1) stems.add(s);
    }
  });
  const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  // A searched word (or its stem) at the start of a word, and the rest of that word.
  const found = stems.size
    ? new RegExp(
        "(?<![\\p{L}\\p{N}_])(?:" +
          [...stems].sort((a, b) => b.length - a.length).map(escape).join("|") +
          ")[\\p{L}\\p{N}_]*",
        "giu"
      )
    : null;

  function firstMatch(text, from) {
    if (!found) return -1;
    found.lastIndex = from;
    const m = found.exec(text);
    return m ? m.index : -1;
  }

  // Where a snippet around position `at` starts: a sentence start within BEFORE
  // characters, else the first word start after `at - BEFORE`.
  function snippetStart(text, at) {
    if (at <= BEFORE) return 0;
    const window = text.slice(at - BEFORE, at);
    const sentence = window.search(/[.!?:]\s+(?=\S)[^.!?:]*$/);
    if (sentence >= 0) {
      const offset = window.slice(sentence).search(/\s\S/);
      return at - BEFORE + sentence + offset + 1;
    }
    const space = window.search(/\s\S/);
    return space >= 0 ? at - BEFORE + space + 1 : at;
  }

  function snippetEnd(text, start) {
    if (start + LENGTH >= text.length) return text.length;
    const cut = text.lastIndexOf(" ", start + LENGTH);
    return cut > start ? cut : start + LENGTH;
  }

  function snippet(page, anchor) {
    const text = page.text;
    let from = 0;
    if (anchor) {
      const section = page.sections.find(([id]) => id === anchor);
      if (section) from = section[1];
    }
    let at = firstMatch(text, from);
    if (at < 0 && from > 0) at = firstMatch(text, 0);
    const start = at < 0 ? from : snippetStart(text, at);
    const end = snippetEnd(text, start);
    const p = document.createElement("p");
    p.classList.add("context");
    const body = text.slice(start, end).trim();
    if (start > 0) p.append("… ");
    let last = 0;
    if (found) {
      found.lastIndex = 0; // matchAll starts where the last exec stopped
      for (const m of body.matchAll(found)) {
        p.append(body.slice(last, m.index));
        const mark = document.createElement("span");
        mark.classList.add("highlighted");
        mark.textContent = m[0];
        p.append(mark);
        last = m.index + m[0].length;
      }
    }
    p.append(body.slice(last));
    if (end < text.length) p.append(" …");
    return p;
  }

  function addSnippet(item) {
    if (item.querySelector("p.context")) return;
    const link = item.querySelector("a");
    if (!link) return;
    const [path, anchor] = (link.getAttribute("href") || "").split("#");
    const suffix = (window.DOCUMENTATION_OPTIONS || {}).LINK_SUFFIX || ".html";
    const docname = path.endsWith(suffix)
      ? path.slice(0, -suffix.length)
      : path;
    const page = pages[docname];
    if (page && page.text) item.appendChild(snippet(page, anchor));
  }

  new MutationObserver((records) => {
    records.forEach((record) =>
      record.addedNodes.forEach((node) => {
        if (node.nodeType !== 1) return;
        if (node.matches("li")) addSnippet(node);
        node.querySelectorAll("li").forEach(addSnippet);
      })
    );
  }).observe(results, { childList: true, subtree: true });
})();
