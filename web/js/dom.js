// DOM helpers. Everything that came from the network is put on the page with textContent or
// as attribute values set through the DOM, never parsed as HTML.

export const $ = (id) => document.getElementById(id);

// <tag attrs>text</tag>; text and attribute values are never interpreted as markup.
export function el(tag, text, attrs) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  if (attrs) for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  return node;
}

// The one error box at the top of the page; '' hides it.
export function showError(message) {
  const box = $('error');
  box.textContent = message;
  box.hidden = !message;
}
