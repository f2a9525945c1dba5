/**
 * Shape checks for what the Kalshi WebSocket sends, run on every frame before anything trusts its
 * type. Cheap on purpose (typeof checks, no number parsing): a delta's strings are parsed once, by
 * the order book, which rejects bad numbers itself.
 *
 * A frame of a type we do not know (Kalshi adds channels) is not malformed: it reads as null and is
 * skipped. A frame that is malformed throws WsMessageShapeError carrying whatever of the envelope
 * (`sid`, `seq`) could be read, so the feed can still tell that a sequenced message was lost.
 */
import { isRecord } from '../../../core/is-record.js';
import { jsonNestsDeeperThan, MAX_UPSTREAM_JSON_DEPTH } from '../../json-limits.js';
import { isKalshiWsChannel, type KalshiWsServerMessage, type OrderbookDeltaMsg, type OrderbookSnapshotMsg, type TickerMsg, type TradeMsg } from './protocol.js';

export class WsMessageShapeError extends Error {
  override readonly name = 'WsMessageShapeError';
  constructor(
    message: string,
    /** The envelope's sid and seq, when they could be read. */
    readonly sid?: number,
    readonly seq?: number,
  ) {
    super(message);
  }
}

const isInt = (value: unknown): value is number => Number.isSafeInteger(value);
const isSide = (value: unknown): value is 'yes' | 'no' => value === 'yes' || value === 'no';
/** Epoch milliseconds a Date can hold (±8.64e15): anything else would throw where it is turned into a time. */
const isTimeMs = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value) && Math.abs(value) <= 8.64e15;

/** `ts_ms` may be absent; when present it must be a time. */
function timestamp(msg: Record<string, unknown>, fail: (why: string) => WsMessageShapeError): void {
  if (msg.ts_ms !== undefined && !isTimeMs(msg.ts_ms)) throw fail('msg.ts_ms is not a time in epoch milliseconds');
}

function strings(msg: Record<string, unknown>, fields: readonly string[], fail: (why: string) => WsMessageShapeError): void {
  for (const field of fields) if (typeof msg[field] !== 'string') throw fail(`msg.${field} is missing or not a string`);
}

function levels(value: unknown, field: string, fail: (why: string) => WsMessageShapeError): void {
  // Absent means that side is empty.
  if (value === undefined) return;
  if (!Array.isArray(value)) throw fail(`msg.${field} is not an array`);
  for (const level of value) {
    if (!Array.isArray(level) || level.length !== 2 || typeof level[0] !== 'string' || typeof level[1] !== 'string') {
      throw fail(`msg.${field} holds an entry that is not a [price, count] pair of strings`);
    }
  }
}

/** One server frame → a typed message, null for a type we do not handle, or WsMessageShapeError. */
export function readServerMessage(text: string): KalshiWsServerMessage | null {
  let frame: unknown;
  if (jsonNestsDeeperThan(text)) throw new WsMessageShapeError(`frame nested deeper than ${MAX_UPSTREAM_JSON_DEPTH} levels`);
  try {
    frame = JSON.parse(text);
  } catch {
    throw new WsMessageShapeError('frame is not JSON');
  }
  if (!isRecord(frame)) throw new WsMessageShapeError('frame is not a JSON object');
  const { type, msg } = frame;
  if (typeof type !== 'string') throw new WsMessageShapeError('type is missing');
  const sid = isInt(frame.sid) ? frame.sid : undefined;
  const seq = isInt(frame.seq) ? frame.seq : undefined;
  const fail = (why: string): WsMessageShapeError => new WsMessageShapeError(`${type}: ${why}`, sid, seq);
  const needSid = (): number => {
    if (sid === undefined) throw fail('sid is missing or not an integer');
    return sid;
  };
  const needSeq = (): number => {
    if (seq === undefined) throw fail('seq is missing or not an integer');
    return seq;
  };
  const body = (): Record<string, unknown> => {
    if (!isRecord(msg)) throw fail('msg is missing or not an object');
    return msg;
  };

  switch (type) {
    case 'orderbook_snapshot': {
      const m = body();
      strings(m, ['market_ticker'], fail);
      levels(m.yes_dollars_fp, 'yes_dollars_fp', fail);
      levels(m.no_dollars_fp, 'no_dollars_fp', fail);
      return { type, sid: needSid(), seq: needSeq(), msg: m as unknown as OrderbookSnapshotMsg };
    }
    case 'orderbook_delta': {
      const m = body();
      strings(m, ['market_ticker', 'price_dollars', 'delta_fp'], fail);
      if (!isSide(m.side)) throw fail('msg.side is not yes|no');
      timestamp(m, fail);
      return { type, sid: needSid(), seq: needSeq(), msg: m as unknown as OrderbookDeltaMsg };
    }
    case 'ticker': {
      const m = body();
      strings(m, ['market_ticker'], fail);
      timestamp(m, fail);
      return { type, sid: needSid(), msg: m as unknown as TickerMsg };
    }
    case 'trade': {
      const m = body();
      strings(m, ['trade_id', 'market_ticker', 'yes_price_dollars', 'no_price_dollars', 'count_fp'], fail);
      if (!isSide(m.taker_outcome_side)) throw fail('msg.taker_outcome_side is not yes|no');
      timestamp(m, fail);
      return { type, sid: needSid(), seq: needSeq(), msg: m as unknown as TradeMsg };
    }
    case 'subscribed': {
      const m = body();
      if (!isInt(frame.id)) throw fail('id is missing');
      if (!isKalshiWsChannel(m.channel) || !isInt(m.sid)) throw fail('msg needs a known channel and an integer sid');
      return { type, id: frame.id, msg: { channel: m.channel, sid: m.sid } };
    }
    case 'unsubscribed':
      if (!isInt(frame.id)) throw fail('id is missing');
      return { type, id: frame.id, sid: needSid() };
    case 'ok':
      if (!isInt(frame.id)) throw fail('id is missing');
      // Two shapes (update_subscription's and list_subscriptions'); the feed reads only the id.
      return frame as unknown as KalshiWsServerMessage;
    case 'error': {
      const m = body();
      if (!isInt(m.code) || typeof m.msg !== 'string') throw fail('msg needs an integer code and a msg string');
      return {
        type,
        ...(isInt(frame.id) ? { id: frame.id } : {}),
        ...(sid === undefined ? {} : { sid }),
        msg: { code: m.code, msg: m.msg },
      };
    }
    default:
      return null;
  }
}
