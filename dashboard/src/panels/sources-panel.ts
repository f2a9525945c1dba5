/**
 * One line per source (Kalshi, Anthropic, John): its breaker (CLOSED, HALF_OPEN, OPEN), whether
 * it answers live, from cache or not at all, when it last succeeded, its last error, and whether
 * it is the real upstream or the bundled simulator. Read once, then changed as
 * sourceStatusChanged says; re-read after a reconnect.
 */
import type { DashboardApi } from '../api/api.js';
import { SourcesPanelChangesDocument, SourcesPanelDocument, type SourcesPanelStatusFragment } from '../generated/graphql.js';
import { formatClock } from '../shaping/format.js';
import { formatAge } from './quality.js';
import './sources-panel.css';

const NAMES: Record<string, string> = { KALSHI: 'Kalshi', ANTHROPIC: 'Anthropic', JOHN: 'John' };
const ORDER = ['KALSHI', 'ANTHROPIC', 'JOHN'];
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
  const wrapper = document.createElement('div');
  wrapper.className = `source-field ${className}`;
  const name = document.createElement('span');
  name.className = 'source-label';
  name.textContent = label;
  const value = document.createElement('span');
  value.className = 'source-value';
  wrapper.append(name, value);
  parent.append(wrapper);
  return value;
}

function since(iso: string | null | undefined, now: number): string {
  if (!iso) return 'never';
  const at = Date.parse(iso);
  return Number.isFinite(at) ? `${formatAge(now - at)} ago · ${formatClock(at)}` : '—';
}

export function mountSourcesPanel(element: HTMLElement, api: DashboardApi): void {
  element.replaceChildren();
  const heading = document.createElement('h2');
  heading.className = 'panel-heading';
  heading.textContent = 'Sources';
  const body = document.createElement('div');
  body.className = 'panel-body sources-list';
  const empty = document.createElement('p');
  empty.className = 'panel-empty';
  empty.textContent = 'Loading sources…';
  body.append(empty);
  element.append(heading, body);

  const cards = new Map<string, Card>();

  const createCard = (status: SourcesPanelStatusFragment): Card => {
    const card = document.createElement('article');
    card.className = 'source-card';
    card.dataset.testid = 'source-status';
    card.dataset.source = status.source;
    const top = document.createElement('div');
    top.className = 'source-top';
    const name = document.createElement('h3');
    name.className = 'source-name';
    name.textContent = NAMES[status.source] ?? status.source;
    const mode = document.createElement('span');
    const breaker = document.createElement('span');
    const availability = document.createElement('span');
    top.append(name, mode, availability, breaker);
    const grid = document.createElement('div');
    grid.className = 'source-grid';
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
      const ordered = [...cards.values()].sort((a, b) => ORDER.indexOf(a.status.source) - ORDER.indexOf(b.status.source));
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
  api.onReconnected(load);
  load();

  setInterval(() => {
    const now = Date.now();
    for (const card of cards.values()) drawTimes(card, now);
  }, AGE_TICK_MS);
}
