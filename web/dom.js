// Building the pages' DOM safely, shared by the catalogue page (app.js) and the public lookup
// page (tra-cuu/tra-cuu.js): text is always set as text (textContent), never parsed as HTML,
// as the CSP and the security rules require. Loaded before the page's own script.
'use strict';

window.motcuaDom = Object.freeze({
  // Creates an element with optional text and class.
  el(tag, text, className) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (className) node.className = className;
    return node;
  },

  // Removes every child of node.
  clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  },

  // Appends "term: value" to a <dl>; an empty value adds nothing.
  addFact(dl, term, value) {
    if (value === undefined || value === null || value === '') return;
    dl.appendChild(window.motcuaDom.el('dt', term));
    dl.appendChild(window.motcuaDom.el('dd', value));
  },
});
