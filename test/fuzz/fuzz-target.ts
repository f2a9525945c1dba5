/**
 * The service the transport properties (HTTP, SSE, graphql-ws) throw their input at: the whole
 * service in-process, with the tickers of its first markets, so the arbitraries can mix real
 * tickers in among the hostile ones and reach the resolvers, not only the argument checks.
 */
import { startService, type RunningService } from '../support/service.js';
import { graphql } from './upstream-probe.js';

export interface FuzzTarget {
  service: RunningService;
  tickers: string[];
}

export async function startFuzzTarget(): Promise<FuzzTarget> {
  const service = await startService();
  const { markets } = await graphql<{ markets: Array<{ ticker: string }> }>(service.url, '{ markets(limit: 20) { ticker } }');
  return { service, tickers: markets.map((market) => market.ticker) };
}
