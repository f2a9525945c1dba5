/**
 * One line per source (Kalshi, Anthropic, John): its breaker (CLOSED, HALF_OPEN, OPEN), whether
 * it answers live, from cache or not at all, when it last succeeded, its last error, and whether
 * it is the real upstream or the bundled simulator. Read once, then changed as
 * sourceStatusChanged says (at once, on every breaker, availability or error change) and as each
 * aggregate restates it (which keeps "last success" current between changes); re-read after a
 * reconnect.
 */
import type { DashboardApi } from '../api/api.js';
import { SourcesPanelAggregateDocument, SourcesPanelChangesDocument, SourcesPanelDocument, type SourcesPanelStatusFragment } from '../generated/graphql.js';
import { formatClock } from '../shaping/format.js';
import { bySourceOrder, el, panelFrame, sourceName } from './dom.js';
import { formatAge } from './quality.js';
import './sources-panel.css';

const AGE_TICK_MS = 1000;

interface Card {
  element: HTMLElement;
  status: SourcesPanelStatusFragment;
  breaker: HTMLElement;
  availability: HTMLElement;
  mode: HTMLElement;
  success: HTMLElement;
  failures: HTMLElement;
  error: HTMLElement;
}

function field(parent: HTMLElement, label: string, className = ''): HTMLElement {
  const wrapper = el('div', `source-field ${className}`.trim());
  const value = el('span', 'source-value');
  wrapper.append(el('span', 'source-label', label), value);
  parent.append(wrapper);
  return value;
}

function since(iso: string | null | undefined, now: number): string {
  if (!iso) return 'never';
  const at = Date.parse(iso);
  return Number.isFinite(at) ? `${formatAge(now - at)} ago · ${formatClock(at)}` : '—';
}

export function mountSourcesPanel(element: HTMLElement, api: DashboardApi): void {
  const { body, empty } = panelFrame(element, 'Sources', 'Loading sources…', 'sources-list');

  const cards = new Map<string, Card>();

  const createCard = (status: SourcesPanelStatusFragment): Card => {
    const card = el('article', 'source-card');
    card.dataset.testid = 'source-status';
    card.dataset.source = status.source;
    const top = el('div', 'source-top');
    const [mode, availability, breaker] = [el('span'), el('span'), el('span')];
    top.append(el('h3', 'source-name', sourceName(status.source)), mode, availability, breaker);
    const grid = el('div', 'source-grid');
    const success = field(grid, 'Last success');
    const failures = field(grid, 'Failures in a row', 'num-field');
    const error = field(grid, 'Last error', 'source-error');
    card.append(top, grid);
    return { element: card, status, breaker, availability, mode, success, failures, error };
  };

  const drawTimes = (card: Card, now: number): void => {
    const text = since(card.status.lastSuccessAt, now);
    if (card.success.textContent !== text) card.success.textContent = text;
  };

  const draw = (status: SourcesPanelStatusFragment): void => {
    let card = cards.get(status.source);
    if (!card) {
      card = createCard(status);
      cards.set(status.source, card);
      const ordered = [...cards.values()].sort((a, b) => bySourceOrder(a.status.source, b.status.source));
      body.replaceChildren(...ordered.map((c) => c.element));
    }
    card.status = status;
    card.element.dataset.breaker = status.breaker;
    card.element.dataset.availability = status.availability;
    card.breaker.className = `tag breaker breaker-${status.breaker.toLowerCase()}`;
    card.breaker.textContent = status.breaker === 'HALF_OPEN' ? 'HALF-OPEN' : status.breaker;
    card.breaker.title = {
      CLOSED: 'Breaker closed: requests go to the upstream',
      OPEN: 'Breaker open: the upstream is not called; cached values are served',
      HALF_OPEN: 'Breaker half-open: a trial request is testing the upstream',
    }[status.breaker];
    card.availability.className = `tag availability availability-${status.availability.toLowerCase()}`;
    card.availability.textContent = status.availability.toLowerCase();
    card.availability.title = 'Availability: live, cached (served from a cache tier) or unavailable';
    card.mode.className = status.simulated ? 'tag tag-warn source-mode' : 'tag source-mode';
    card.mode.textContent = status.simulated ? 'simulated' : 'real upstream';
    card.mode.title = status.simulated ? 'Values invented by the bundled simulator (SIMULATORS)' : 'Talks to the real upstream';
    card.failures.textContent = String(status.consecutiveFailures);
    card.error.textContent = status.lastError ?? 'none';
    card.error.title = status.lastError
      ? `${status.lastError}${status.lastFailureAt ? ` (at ${formatClock(Date.parse(status.lastFailureAt))})` : ''}`
      : 'No error since the service started';
    card.error.classList.toggle('source-error-none', !status.lastError);
    drawTimes(card, Date.now());
  };

  const load = (): void => {
    api.query(SourcesPanelDocument, {}).then(
      (data) => data.sources.forEach(draw),
      (error: unknown) => {
        if (cards.size === 0) empty.textContent = `Could not read the sources: ${error instanceof Error ? error.message : String(error)}`;
      },
    );
  };

  api.subscribe(SourcesPanelChangesDocument, {}, (data) => draw(data.sourceStatusChanged));
  api.subscribe(SourcesPanelAggregateDocument, {}, (data) => data.aggregateUpdated.components.forEach(draw));
  api.onReconnected(load);
  load();

  setInterval(() => {
    const now = Date.now();
    for (const card of cards.values()) drawTimes(card, now);
  }, AGE_TICK_MS);
}
