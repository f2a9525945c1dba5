/**
 * The WebSocket simulator's command reader: one client text frame → a validated command, or the
 * error Kalshi would answer with (its code and message). Only the shape is checked here; whether a
 * sid or a market exists is the server's business, since it needs the session and the model.
 */
import { isRecord } from '../../core/is-record.js';
import { isKalshiWsChannel, UPDATE_ACTIONS, WS_ERROR, type KalshiWsChannel, type UpdateAction } from '../../sources/kalshi/ws/protocol.js';

export type SimCommand =
  | { id: number; cmd: 'subscribe'; channels: KalshiWsChannel[]; marketTickers: string[] | null }
  | { id: number; cmd: 'unsubscribe'; sids: number[] }
  | { id: number; cmd: 'update_subscription'; sid: number; action: UpdateAction; marketTickers: string[] | null }
  | { id: number; cmd: 'list_subscriptions' };

export interface CommandError {
  /** Absent when the frame had no usable id. */
  id?: number;
  code: number;
  msg: string;
}

export type ReadCommand = { ok: true; command: SimCommand } | { ok: false; error: CommandError };

const fail = (id: number | undefined, code: number, msg: string): ReadCommand => ({
  ok: false,
  error: id === undefined ? { code, msg } : { id, code, msg },
});

const isSid = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) > 0;

/** null when absent; undefined when present but not a list of non-empty strings. */
function tickers(value: unknown): string[] | null | undefined {
  if (value === undefined || value === null) return null;
  if (!Array.isArray(value) || !value.every((t) => typeof t === 'string' && t !== '')) return undefined;
  return [...new Set(value as string[])];
}

export function readCommand(text: string): ReadCommand {
  let frame: unknown;
  try {
    frame = JSON.parse(text);
  } catch {
    return fail(undefined, WS_ERROR.unableToProcess, 'Unable to process message');
  }
  if (!isRecord(frame)) return fail(undefined, WS_ERROR.unableToProcess, 'Unable to process message');
  const id = Number.isSafeInteger(frame.id) ? (frame.id as number) : undefined;
  if (id === undefined) return fail(undefined, WS_ERROR.unableToProcess, 'Unable to process message: id is required');
  const params = frame.params;

  switch (frame.cmd) {
    case 'subscribe': {
      if (!isRecord(params)) return fail(id, WS_ERROR.paramsRequired, 'Params required');
      const channels = params.channels;
      if (!Array.isArray(channels) || channels.length === 0) return fail(id, WS_ERROR.channelsRequired, 'Channels required');
      const unknown = (channels as unknown[]).find((channel) => !isKalshiWsChannel(channel));
      if (unknown !== undefined) return fail(id, WS_ERROR.unknownChannel, `Unknown channel name: ${shown(unknown)}`);
      const markets = tickers(params.market_tickers);
      if (markets === undefined) return fail(id, WS_ERROR.invalidParameter, 'Invalid parameter: market_tickers');
      const unique = [...new Set(channels as KalshiWsChannel[])];
      // The order book has no "every market" form: it needs the markets named.
      if (unique.includes('orderbook_delta') && (markets === null || markets.length === 0)) {
        return fail(id, WS_ERROR.marketTickerRequired, 'Market Ticker required');
      }
      return { ok: true, command: { id, cmd: 'subscribe', channels: unique, marketTickers: markets } };
    }
    case 'unsubscribe': {
      if (!isRecord(params)) return fail(id, WS_ERROR.paramsRequired, 'Params required');
      const sids = params.sids;
      if (!Array.isArray(sids) || sids.length === 0 || !sids.every(isSid)) return fail(id, WS_ERROR.sidsRequired, 'Subscription IDs required');
      return { ok: true, command: { id, cmd: 'unsubscribe', sids: [...new Set(sids)] } };
    }
    case 'update_subscription': {
      if (!isRecord(params)) return fail(id, WS_ERROR.paramsRequired, 'Params required');
      // Kalshi takes `sid`, or `sids` holding exactly one.
      const sids: unknown = params.sids;
      const sid = params.sid ?? (Array.isArray(sids) && sids.length === 1 ? (sids as unknown[])[0] : undefined);
      if (!isSid(sid)) return fail(id, WS_ERROR.exactlyOneSid, 'Exactly one subscription ID is required');
      const action = params.action;
      if (action === undefined || action === null) return fail(id, WS_ERROR.actionRequired, 'Action required');
      if (!(UPDATE_ACTIONS as readonly unknown[]).includes(action)) return fail(id, WS_ERROR.unsupportedAction, `Unsupported action: ${shown(action)}`);
      const markets = tickers(params.market_tickers);
      if (markets === undefined) return fail(id, WS_ERROR.invalidParameter, 'Invalid parameter: market_tickers');
      if (action !== 'get_snapshot' && (markets === null || markets.length === 0)) {
        return fail(id, WS_ERROR.marketTickerRequired, 'Market Ticker required');
      }
      return { ok: true, command: { id, cmd: 'update_subscription', sid, action: action as UpdateAction, marketTickers: markets } };
    }
    case 'list_subscriptions':
      return { ok: true, command: { id, cmd: 'list_subscriptions' } };
    default:
      return fail(id, WS_ERROR.unknownCommand, `Unknown command: ${String(frame.cmd)}`);
  }
}

/** A client's value in an error message: a string as is, anything else as its JSON. */
function shown(value: unknown): string {
  return typeof value === 'string' ? value : String(JSON.stringify(value));
}
