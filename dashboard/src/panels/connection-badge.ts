/**
 * The header's right side: whether the page is live (the socket is up), connecting, reconnecting
 * after a drop, or waiting for an API key; which sources serve simulated values (so nobody takes
 * a simulator's prices for a market's); and a link to GraphiQL at /graphql, where the same API
 * can be asked by hand.
 */
import type { ConnectionState, DashboardApi } from '../api/api.js';
import { ConnectionBadgeSourceChangesDocument, ConnectionBadgeSourcesDocument } from '../generated/graphql.js';
import './connection-badge.css';

const LABELS: Record<ConnectionState, string> = {
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Reconnecting…',
  'needs-key': 'Needs API key',
};

const NAMES: Record<string, string> = { KALSHI: 'Kalshi', ANTHROPIC: 'Anthropic', JOHN: 'John' };
const ORDER = ['KALSHI', 'ANTHROPIC', 'JOHN'];

export function mountConnectionBadge(element: HTMLElement, api: DashboardApi): void {
  element.replaceChildren();
  element.classList.add('connection-bar');
  const badge = document.createElement('span');
  badge.className = 'connection-badge';
  badge.dataset.testid = 'connection-state';
  badge.setAttribute('role', 'status');
  badge.setAttribute('aria-live', 'polite');
  const dot = document.createElement('span');
  dot.className = 'connection-dot';
  const label = document.createElement('span');
  label.className = 'connection-label';
  badge.append(dot, label);

  const simulated = document.createElement('span');
  simulated.className = 'simulated-note';
  simulated.dataset.testid = 'simulated-sources';

  const link = document.createElement('a');
  link.className = 'graphiql-link';
  link.href = '/graphql';
  link.textContent = 'GraphiQL';
  link.title = 'Ask the same GraphQL API by hand';

  element.append(simulated, badge, link);

  api.onState((state) => {
    badge.dataset.state = state;
    label.textContent = LABELS[state];
  });

  const simulatedSources = new Map<string, boolean>();
  const drawSimulated = (): void => {
    const names = ORDER.filter((source) => simulatedSources.get(source)).map((source) => NAMES[source] ?? source);
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
