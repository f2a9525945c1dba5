/**
 * A response body that does not have the documented shape: thrown by each source's wire guards
 * (kalshi/wire-guards.ts, john/wire-guards.ts) and turned into an UpstreamError of category `data`
 * by the client, so it is logged, counted as malformed and the previous good value is kept.
 */
export class PayloadShapeError extends Error {
  override readonly name = 'PayloadShapeError';
}
