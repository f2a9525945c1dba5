/**
 * Page sizes of Kalshi's list endpoints (`GET /markets`, `/markets/trades`, `/portfolio/positions`):
 * `limit` is 1..1000, 100 when left out (upstreams.md). One place for the numbers, so the client,
 * the pollers and the simulator that plays the exchange agree.
 */

/** The largest `limit` Kalshi accepts on a list endpoint. */
export const KALSHI_MAX_PAGE_SIZE = 1000;
/** The page size Kalshi answers with when `limit` is left out. */
export const KALSHI_DEFAULT_PAGE_SIZE = 100;

/**
 * The market poller's listing: pages of 200 markets, at most 5 per poll, so one poll reads at most
 * 1,000 markets and costs the exchange at most 5 of its reads (README: pointing at the real exchange).
 */
export const MARKET_LISTING = { pageSize: 200, maxPages: 5 } as const;
