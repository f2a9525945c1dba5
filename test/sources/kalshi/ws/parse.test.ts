import { describe, expect, test } from 'vitest';
import { readServerMessage, WsMessageShapeError } from '../../../../src/sources/kalshi/ws/parse.js';

const frame = (value: unknown): string => JSON.stringify(value);
const delta = { market_ticker: 'T', market_id: 'm', price_dollars: '0.5000', delta_fp: '-1.00', side: 'no', ts_ms: 1 };
const trade = {
  trade_id: 'x',
  market_ticker: 'T',
  yes_price_dollars: '0.5000',
  no_price_dollars: '0.5000',
  count_fp: '1.00',
  taker_outcome_side: 'yes',
  ts_ms: 1,
};

function shapeError(text: string): WsMessageShapeError {
  try {
    readServerMessage(text);
  } catch (error) {
    expect(error).toBeInstanceOf(WsMessageShapeError);
    return error as WsMessageShapeError;
  }
  throw new Error(`accepted: ${text}`);
}

describe('readServerMessage', () => {
  test('reads each documented message type', () => {
    expect(readServerMessage(frame({ type: 'subscribed', id: 1, msg: { channel: 'trade', sid: 3 } }))).toEqual({
      type: 'subscribed',
      id: 1,
      msg: { channel: 'trade', sid: 3 },
    });
    expect(readServerMessage(frame({ type: 'unsubscribed', id: 2, sid: 3 }))).toEqual({ type: 'unsubscribed', id: 2, sid: 3 });
    expect(readServerMessage(frame({ type: 'ok', id: 3, sid: 1, seq: 9, msg: { market_tickers: [] } }))).toMatchObject({ type: 'ok', id: 3 });
    expect(readServerMessage(frame({ type: 'error', id: 4, msg: { code: 16, msg: 'Market not found' } }))).toEqual({
      type: 'error',
      id: 4,
      msg: { code: 16, msg: 'Market not found' },
    });
    expect(readServerMessage(frame({ type: 'error', sid: 1, msg: { code: 25, msg: 'Buffer overflow' } }))).toEqual({
      type: 'error',
      sid: 1,
      msg: { code: 25, msg: 'Buffer overflow' },
    });
    expect(
      readServerMessage(
        frame({ type: 'orderbook_snapshot', sid: 1, seq: 1, msg: { market_ticker: 'T', market_id: 'm', yes_dollars_fp: [['0.1000', '1.00']] } }),
      ),
    ).toMatchObject({ type: 'orderbook_snapshot', seq: 1 });
    expect(readServerMessage(frame({ type: 'orderbook_delta', sid: 1, seq: 2, msg: delta }))).toEqual({ type: 'orderbook_delta', sid: 1, seq: 2, msg: delta });
    expect(readServerMessage(frame({ type: 'ticker', sid: 2, msg: { market_ticker: 'T' } }))).toMatchObject({ type: 'ticker', sid: 2 });
    expect(readServerMessage(frame({ type: 'trade', sid: 3, seq: 1, msg: trade }))).toEqual({ type: 'trade', sid: 3, seq: 1, msg: trade });
  });

  test('an unknown type (a channel we do not handle) is skipped, not malformed', () => {
    expect(readServerMessage(frame({ type: 'market_lifecycle_v2', sid: 9, seq: 1, msg: {} }))).toBeNull();
  });

  test('rejects non-JSON, non-objects and missing types', () => {
    expect(shapeError('not json').message).toMatch(/not JSON/);
    expect(shapeError('[1,2]').message).toMatch(/not a JSON object/);
    expect(shapeError(frame({ sid: 1 })).message).toMatch(/type/);
  });

  test('each data type checks its own fields, and the error keeps the envelope', () => {
    const bad = shapeError(frame({ type: 'orderbook_delta', sid: 1, seq: 7, msg: { ...delta, side: 'maybe' } }));
    expect(bad.message).toMatch(/side/);
    expect([bad.sid, bad.seq]).toEqual([1, 7]);
    expect(shapeError(frame({ type: 'orderbook_delta', sid: 1, seq: 7, msg: { ...delta, delta_fp: 1 } })).message).toMatch(/delta_fp/);
    expect(shapeError(frame({ type: 'orderbook_delta', sid: 1, msg: delta })).message).toMatch(/seq/);
    expect(shapeError(frame({ type: 'orderbook_snapshot', sid: 1, seq: 1, msg: { market_ticker: 'T', no_dollars_fp: [['0.1']] } })).message).toMatch(
      /no_dollars_fp/,
    );
    expect(shapeError(frame({ type: 'orderbook_snapshot', sid: 1, seq: 1, msg: { market_ticker: 'T', yes_dollars_fp: 'x' } })).message).toMatch(
      /yes_dollars_fp/,
    );
    expect(shapeError(frame({ type: 'ticker', msg: { market_ticker: 'T' } })).message).toMatch(/sid/);
    expect(shapeError(frame({ type: 'trade', sid: 3, seq: 1, msg: { ...trade, taker_outcome_side: 'up' } })).message).toMatch(/taker_outcome_side/);
    expect(shapeError(frame({ type: 'trade', sid: 3, seq: 1, msg: { ...trade, count_fp: undefined } })).message).toMatch(/count_fp/);
    expect(shapeError(frame({ type: 'trade', sid: 3, seq: 1 })).message).toMatch(/msg/);
  });

  test('replies check their own fields', () => {
    expect(shapeError(frame({ type: 'subscribed', id: 1, msg: { channel: 'fills', sid: 1 } })).message).toMatch(/channel/);
    expect(shapeError(frame({ type: 'subscribed', msg: { channel: 'trade', sid: 1 } })).message).toMatch(/id/);
    expect(shapeError(frame({ type: 'unsubscribed', id: 1 })).message).toMatch(/sid/);
    expect(shapeError(frame({ type: 'ok' })).message).toMatch(/id/);
    expect(shapeError(frame({ type: 'error', id: 1, msg: { code: '10', msg: 'x' } })).message).toMatch(/code/);
  });
});
