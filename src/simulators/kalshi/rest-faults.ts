/**
 * KALSHI_SIM_FAULT: the REST simulator's faults in the shared grammar (../fault.ts):
 * `status:503`, `status:429,rate=0.5`, `delay:200`, `hang`, `malformed`, `truncated`, `reset`,
 * each with optional `,rate=0..1` and `,times=N`.
 */
import { bare, FaultSyntaxError, parseFault, rateOption, timesOption, wholeNumber, type FaultVocabulary } from '../fault.js';
import type { SimulatorFault } from './rest-server.js';

const KALSHI_REST_FAULTS: FaultVocabulary<SimulatorFault> = {
  label: 'Kalshi simulator',
  examples: 'status:503, status:429,rate=0.5, delay:200, hang, malformed, truncated, reset (options: rate=0..1, times=N)',
  kinds: {
    status: (argument) => {
      const status = argument !== undefined && /^\d{3}$/.test(argument) ? Number(argument) : Number.NaN;
      if (!(status >= 100 && status <= 599)) throw new FaultSyntaxError('status needs a three-digit HTTP status, as in status:503');
      return { kind: 'status', status };
    },
    delay: (argument) => {
      const delayMs = wholeNumber(argument);
      if (delayMs === undefined) throw new FaultSyntaxError('delay needs milliseconds, as in delay:200');
      return { kind: 'delay', delayMs };
    },
    hang: bare({ kind: 'hang' }),
    malformed: bare({ kind: 'malformed' }),
    truncated: bare({ kind: 'truncated' }),
    reset: bare({ kind: 'reset' }),
  },
  options: { rate: rateOption, times: timesOption },
};

/** Reads KALSHI_SIM_FAULT; throws an Error naming the input and the accepted forms. */
export function parseKalshiRestFault(text: string): SimulatorFault {
  return parseFault(text, KALSHI_REST_FAULTS);
}
