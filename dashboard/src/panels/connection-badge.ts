/**
 * The header's right side: whether the page is live (the socket is up), connecting, reconnecting
 * after a drop, or waiting for an API key; which sources serve simulated values (so nobody takes
 * a simulator's prices for a market's); and a link to GraphiQL at /graphql, where the same API
 * can be asked by hand.
 */
import type { ConnectionState, DashboardApi } from '../api/api.js';
import { ConnectionBadgeSourceChangesDocument, ConnectionBadgeSourcesDocument } from '../generated/graphql.js';
import { el, SOURCE_ORDER, sourceName } from './dom.js';
import './connection-badge.css';

const LABELS: Record<ConnectionState, string> = {
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Reconnecting…',
  'needs-key': 'Needs API key',
};

export function mountConnectionBadge(element: HTMLElement, api: DashboardApi): void {
  element.replaceChildren();
  element.classList.add('connection-bar');
  const badge = el('span', 'connection-badge');
  badge.dataset.testid = 'connection-state';
  badge.setAttribute('role', 'status');
  badge.setAttribute('aria-live', 'polite');
  const label = el('span', 'connection-label');
  badge.append(el('span', 'connection-dot'), label);

  const simulated = el('span', 'simulated-note');
  simulated.dataset.testid = 'simulated-sources';

  const link = el('a', 'graphiql-link', 'GraphiQL');
  link.href = '/graphql';
  link.title = 'Ask the same GraphQL API by hand';

  element.append(simulated, badge, link);

  api.onState((state) => {
    badge.dataset.state = state;
    label.textContent = LABELS[state];
  });

  const simulatedSources = new Map<string, boolean>();
  const drawSimulated = (): void => {
    const names = SOURCE_ORDER.filter((source) => simulatedSources.get(source)).map(sourceName);
    simulated.hidden = simulatedSources.size === 0;
    simulated.classList.toggle('simulated-none', names.length === 0);
    simulated.textContent = names.length === 0 ? 'All sources real' : `Simulated: ${names.join(', ')}`;
    simulated.title =
      names.length === 0
        ? 'Every source talks to its real upstream'
        : `${names.join(', ')} ${names.length === 1 ? 'runs' : 'run'} on the bundled simulator (SIMULATORS): their values are invented`;
  };
  drawSimulated();

  const load = (): void => {
    api.query(ConnectionBadgeSourcesDocument, {}).then(
      (data) => {
        for (const source of data.sources) simulatedSources.set(source.source, source.simulated);
        drawSimulated();
      },
      // The sources panel says why the sources could not be read; the badge just stays blank.
      () => undefined,
    );
  };
  api.subscribe(ConnectionBadgeSourceChangesDocument, {}, (data) => {
    simulatedSources.set(data.sourceStatusChanged.source, data.sourceStatusChanged.simulated);
    drawSimulated();
  });
  api.onReconnected(load);
  load();
}
