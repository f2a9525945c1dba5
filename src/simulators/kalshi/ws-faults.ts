/**
 * Failures the WebSocket simulator can be told to produce, so the feed's recovery paths (resync,
 * reconnect, resubscribe, watchdog, auth) are exercised against a real socket rather than a mock.
 * `parseKalshiWsFault` reads the same faults from KALSHI_WS_SIM_FAULT, in the shared grammar (../fault.ts).
 */
import { bare, FaultSyntaxError, parseFault, wholeNumber, type FaultVocabulary } from '../fault.js';

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

const KALSHI_WS_FAULTS: FaultVocabulary<KalshiWsFault> = {
  label: 'Kalshi WebSocket simulator',
  examples: 'drop, seq-gap[:times], error-code:10|25, silence, reject-handshake:401|503, malformed[:sequenced]',
  kinds: {
    drop: bare({ kind: 'drop' }),
    silence: bare({ kind: 'silence' }),
    malformed: (argument) => {
      if (argument === undefined) return { kind: 'malformed' };
      if (argument === 'sequenced') return { kind: 'malformed', sequenced: true };
      throw new FaultSyntaxError('malformed takes nothing or sequenced');
    },
    'seq-gap': (argument) => {
      if (argument === undefined) return { kind: 'seq-gap' };
      const times = wholeNumber(argument);
      if (times === undefined || times < 1) throw new FaultSyntaxError('seq-gap takes a positive number of gaps');
      return { kind: 'seq-gap', times };
    },
    'error-code': (argument) => {
      if (argument === '10' || argument === '25') return { kind: 'error-code', code: Number(argument) as 10 | 25 };
      throw new FaultSyntaxError('error-code is 10 (channel error) or 25 (buffer overflow)');
    },
    'reject-handshake': (argument) => {
      if (argument === '401' || argument === '503') return { kind: 'reject-handshake', status: Number(argument) as 401 | 503 };
      throw new FaultSyntaxError('reject-handshake answers 401 or 503');
    },
  },
};

/** `drop`, `seq-gap`, `seq-gap:3`, `error-code:25`, `silence`, `reject-handshake:503`, `malformed`, `malformed:sequenced`. */
export function parseKalshiWsFault(text: string): KalshiWsFault {
  return parseFault(text, KALSHI_WS_FAULTS);
}
