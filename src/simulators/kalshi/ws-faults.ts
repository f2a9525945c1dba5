/**
 * Failures the WebSocket simulator can be told to produce, so the feed's recovery paths (resync,
 * reconnect, resubscribe, watchdog, auth) are exercised against a real socket rather than a mock.
 * `parseKalshiWsFault` reads the same faults from short strings, for an environment variable.
 */
import { ConfigError } from '../../core/errors.js';

export type KalshiWsFault =
  /** Terminates every open socket now (no close frame), as a dropped network would. */
  | { kind: 'drop' }
  /** Skips one sequence number on each of the next `times` deltas (default 1). */
  | { kind: 'seq-gap'; times?: number }
  /**
   * Ends one subscription with a terminal error (10 channel error, 25 buffer overflow) and sends
   * nothing more on it. `sid` picks the subscription; by default the first order-book one. The
   * error frame names it by `sid` (default), or only by the `id` of the subscribe command that
   * created it (`namedBy: 'id'`, Kalshi's documented error shape).
   */
  | { kind: 'error-code'; code: 10 | 25; sid?: number; namedBy?: 'sid' | 'id' }
  /** The sockets open now stop sending anything, pings included, until the fault is cleared. */
  | { kind: 'silence' }
  /** Upgrades are answered with this HTTP status, `times` times (default: until cleared). */
  | { kind: 'reject-handshake'; status: 401 | 503; times?: number }
  /**
   * Sends every socket one text frame that is not JSON; with `sequenced`, instead an order-book
   * delta whose envelope is fine (next seq of the sid) but whose price is not a number.
   */
  | { kind: 'malformed'; sequenced?: boolean };

const FORMS = 'drop | seq-gap[:times] | error-code:10|25 | silence | reject-handshake:401|503 | malformed[:sequenced]';

/** `drop`, `seq-gap`, `seq-gap:3`, `error-code:25`, `silence`, `reject-handshake:503`, `malformed`, `malformed:sequenced`. */
export function parseKalshiWsFault(text: string): KalshiWsFault {
  const [kind = '', argument, ...rest] = text.trim().split(':');
  const bad = (): ConfigError => new ConfigError(`Kalshi WebSocket fault ${JSON.stringify(text)} is not one of: ${FORMS}`);
  if (rest.length > 0) throw bad();
  switch (kind) {
    case 'drop':
    case 'silence':
      if (argument !== undefined) throw bad();
      return { kind };
    case 'malformed':
      if (argument === undefined) return { kind };
      if (argument === 'sequenced') return { kind, sequenced: true };
      throw bad();
    case 'seq-gap': {
      if (argument === undefined) return { kind };
      const times = /^\d{1,6}$/.test(argument) ? Number(argument) : 0;
      if (times < 1) throw bad();
      return { kind, times };
    }
    case 'error-code':
      if (argument === '10' || argument === '25') return { kind, code: Number(argument) as 10 | 25 };
      throw bad();
    case 'reject-handshake':
      if (argument === '401' || argument === '503') return { kind, status: Number(argument) as 401 | 503 };
      throw bad();
    default:
      throw bad();
  }
}
