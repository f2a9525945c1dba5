/**
 * Candles: OHLC of a market's last-trade price and YES bid / ask per period, with volume and open
 * interest. RECORDED candles are the service's own; EXCHANGE ones were read from Kalshi's
 * candlesticks for periods before the service's records began. Prices are dollars (0 to 1),
 * counts are contracts: the stored integers (micro-dollars, hundredths) divided once, here.
 */
import type { CandleRecord, OhlcMicros } from '../core/market-history.js';
import { InputError } from '../core/errors.js';
import { builder } from './builder.js';
import type { GraphQLContext } from './context.js';

const dollars = (micros: number | null): number | null => (micros === null ? null : micros / 1_000_000);

export const CandleOriginEnum = builder.enumType('CandleOrigin', {
  description: "RECORDED: built from the service's own market ticks and trades. EXCHANGE: Kalshi's candlesticks, for periods before the service's records.",
  values: ['RECORDED', 'EXCHANGE'] as const,
});

export const PriceOHLCRef = builder.objectRef<OhlcMicros>('PriceOHLC').implement({
  description: 'Open, high, low and close in US dollars per contract; all null when the period had no value.',
  fields: (t) => ({
    open: t.float({ nullable: true, resolve: (ohlc) => dollars(ohlc.open) }),
    high: t.float({ nullable: true, resolve: (ohlc) => dollars(ohlc.high) }),
    low: t.float({ nullable: true, resolve: (ohlc) => dollars(ohlc.low) }),
    close: t.float({ nullable: true, resolve: (ohlc) => dollars(ohlc.close) }),
  }),
});

export const CandleRef = builder.objectRef<CandleRecord>('Candle').implement({
  fields: (t) => ({
    start: t.field({ type: 'DateTime', description: 'Inclusive.', resolve: (candle) => new Date(candle.startMs) }),
    end: t.field({ type: 'DateTime', description: "start + interval (Kalshi's end_period_ts).", resolve: (candle) => new Date(candle.endMs) }),
    price: t.field({ type: PriceOHLCRef, description: 'Last-trade price; all four null when nothing traded in the period.', resolve: (c) => c.price }),
    yesBid: t.field({ type: PriceOHLCRef, resolve: (candle) => candle.yesBid }),
    yesAsk: t.field({ type: PriceOHLCRef, resolve: (candle) => candle.yesAsk }),
    volume: t.float({ description: 'Contracts traded in the period.', resolve: (candle) => candle.volumeHundredths / 100 }),
    openInterest: t.float({
      nullable: true,
      resolve: (candle) => (candle.openInterestHundredths === null ? null : candle.openInterestHundredths / 100),
    }),
    origin: t.field({ type: CandleOriginEnum, resolve: (candle) => candle.origin }),
  }),
});

/** A ticker the service cannot find is the caller's mistake: a coded BAD_USER_INPUT, not an empty list. */
export async function knownTicker(ticker: string, ctx: GraphQLContext): Promise<void> {
  if (ticker.trim() === '') throw new InputError('ticker must not be empty');
  const market = await ctx.loaders.marketByTicker.load(ticker);
  if (!market) throw new InputError(`unknown ticker ${JSON.stringify(ticker)}`);
}
