/**
 * The one check that parsed JSON (an upstream's answer, a command to a simulator, a stored
 * document) is an object with fields: not null, not an array. Every shape check starts here.
 */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
