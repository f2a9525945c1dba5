import { MARKET_STATUSES } from '../core/domain.js';
import { CANDLE_INTERVALS } from '../core/market-history.js';
import { builder } from './builder.js';

/** Internal source ids are lower-case; the API speaks upper-case enum values. */
export const SourceEnum = builder.enumType('Source', {
  values: { KALSHI: { value: 'kalshi' }, ANTHROPIC: { value: 'anthropic' }, JOHN: { value: 'john' } } as const,
});

export const CacheTierEnum = builder.enumType('CacheTier', {
  description: 'Where a value was served from. LIVE: fetched from the upstream for this answer.',
  values: ['LIVE', 'L1', 'L2', 'L3', 'L4'] as const,
});

export const BreakerStateEnum = builder.enumType('BreakerState', { values: ['CLOSED', 'OPEN', 'HALF_OPEN'] as const });
export const AvailabilityEnum = builder.enumType('Availability', { values: ['LIVE', 'CACHED', 'UNAVAILABLE'] as const });
export const SentimentEnum = builder.enumType('Sentiment', { values: ['BULLISH', 'NEUTRAL', 'BEARISH'] as const });
export const RiskLevelEnum = builder.enumType('RiskLevel', { values: ['LOW', 'MEDIUM', 'HIGH'] as const });
export const AssetTypeEnum = builder.enumType('AssetType', { values: ['PREDICTION', 'STOCK', 'COMMODITY', 'METRIC'] as const });
export const MarketStatusEnum = builder.enumType('MarketStatus', {
  description: 'Kalshi market lifecycle states.',
  values: MARKET_STATUSES,
});
export const CandleIntervalEnum = builder.enumType('CandleInterval', {
  description: 'A bucket of time, aligned to UTC: ONE_MINUTE, ONE_HOUR, ONE_DAY (candles, pnlHistory).',
  values: CANDLE_INTERVALS,
});
