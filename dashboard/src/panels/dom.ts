/**
 * The few DOM builders the core panels share: an element with its class and text in one call, and
 * a panel's frame (heading, scrolling body, the line shown while it is empty or loading), so each
 * panel looks and is built the same way.
 */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, className = '', text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

export interface PanelFrame {
  heading: HTMLHeadingElement;
  body: HTMLDivElement;
  /** "Loading…" until there is something to show, or why there is nothing. */
  empty: HTMLParagraphElement;
}

/** Replaces `host`'s content with a heading and a body (`bodyClass` added) holding the empty line. */
export function panelFrame(host: HTMLElement, title: string, loading: string, bodyClass = ''): PanelFrame {
  const heading = el('h2', 'panel-heading', title);
  const body = el('div', bodyClass ? `panel-body ${bodyClass}` : 'panel-body');
  const empty = el('p', 'panel-empty', loading);
  body.append(empty);
  host.replaceChildren(heading, body);
  return { heading, body, empty };
}

/** The sources as the page names them, in the order it lists them. */
export const SOURCE_ORDER = ['KALSHI', 'ANTHROPIC', 'JOHN'] as const;
const SOURCE_NAMES: Record<string, string> = { KALSHI: 'Kalshi', ANTHROPIC: 'Anthropic', JOHN: 'John' };
export const sourceName = (source: string): string => SOURCE_NAMES[source] ?? source;
export const bySourceOrder = (a: string, b: string): number =>
  SOURCE_ORDER.indexOf(a as (typeof SOURCE_ORDER)[number]) - SOURCE_ORDER.indexOf(b as (typeof SOURCE_ORDER)[number]);
