/**
 * Seeded randomness for the John simulator. Math.random is never used, so every number the
 * simulator serves is a pure function of its seed and the clock.
 *
 * `hash01` is stateless: the value of "step k of hour h for agent a" can be computed directly, in any
 * order, which is what lets the agent model be a pure function of time. `Prng` (shared, in core)
 * is a sequence, for decisions that happen in request order (whether a fault with `rate` fires).
 */

/** 32-bit FNV-1a of a string, to turn an agent id into a number independent of list order. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Uniform in [0, 1), a deterministic function of the integer parts (each folded to 32 bits). */
export function hash01(...parts: number[]): number {
  let h = 0x9e3779b9;
  for (const part of parts) {
    h = Math.imul(h ^ (Math.trunc(part) >>> 0), 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
  }
  // murmur3's finalizer, so neighbouring inputs give unrelated outputs.
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 4294967296;
}

/** The sequence generator all simulators share (mulberry32). */
export { Prng } from '../../core/prng.js';
