/**
 * The few DOM pieces every chart panel builds (market detail, P&L, insights): an element with a
 * class and text, and a panel heading with its quieter note, so each panel states only what is its
 * own. The compact table look they share is in market-detail-dom.css (`.mini-table`).
 */
import './market-detail-dom.css';

export function element<K extends keyof HTMLElementTagNameMap>(tag: K, className = '', text = ''): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text) node.textContent = text;
  return node;
}

/** `<h2 class="panel-heading">title <span class="panel-note">note</span></h2>`; both parts returned to be rewritten. */
export function panelHeading(title: string, note = ''): { heading: HTMLHeadingElement; title: HTMLSpanElement; note: HTMLSpanElement } {
  const heading = element('h2', 'panel-heading');
  const titleSpan = element('span', '', title);
  const noteSpan = element('span', 'panel-note', note);
  heading.append(titleSpan, noteSpan);
  return { heading, title: titleSpan, note: noteSpan };
}
