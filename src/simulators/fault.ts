/**
 * Faults for the bundled simulators from the environment (KALSHI_SIM_FAULT, ANTHROPIC_SIM_FAULT,
 * JOHN_SIM_FAULT): parsed by each simulator's own parser; a bad value stops startup with one line
 * naming the variable, like any other invalid configuration.
 */
import { ConfigError } from '../core/errors.js';

export function parseSimulatorFault<F>(variable: string, text: string | null, parse: (text: string) => F): F | null {
  if (text === null) return null;
  try {
    return parse(text);
  } catch (error) {
    throw new ConfigError(`Invalid configuration: ${variable} ${error instanceof Error ? error.message : String(error)} (got ${JSON.stringify(text)})`);
  }
}
