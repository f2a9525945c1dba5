/**
 * The zod pieces every configuration table is built from (config.ts and the tables it merges:
 * server/access, server/limits, server/rate-limit). One definition, so a blank value means "unset"
 * and a number is read the same way for every variable. A module of its own, not config.ts:
 * config.ts imports those tables, which would otherwise import it back before it was evaluated.
 */
import { z } from 'zod';

/** A blank value (empty or only spaces, as `VAR=` in a .env file gives) is the same as unset. */
export const blankToUndefined = (value: unknown): unknown => (typeof value === 'string' && value.trim() === '' ? undefined : value);

/** An integer from `min` to `max`, `fallback` when unset. */
export function int(min: number, max: number, fallback: number) {
  return z.preprocess(blankToUndefined, z.coerce.number().int().min(min).max(max).default(fallback));
}

/** An integer from `min` to `max`, undefined when unset (its default depends on other variables). */
export function optionalInt(min: number, max: number) {
  return z.preprocess(blankToUndefined, z.coerce.number().int().min(min).max(max).optional());
}

/** A number from 0 to 1, `fallback` when unset. */
export function ratio(fallback: number) {
  return z.preprocess(blankToUndefined, z.coerce.number().min(0).max(1).default(fallback));
}

/** A URL of one of `protocols` (e.g. 'redis:'), undefined when unset. */
export function optionalUrl(protocols: string[]) {
  return z.preprocess(
    blankToUndefined,
    z
      .string()
      .refine((value) => URL.canParse(value) && protocols.includes(new URL(value).protocol))
      .optional(),
  );
}

export const optionalString = z.preprocess(blankToUndefined, z.string().optional());

/** One of `values`, undefined when unset. */
export function optionalChoice<const T extends readonly [string, ...string[]]>(values: T) {
  return z.preprocess(blankToUndefined, z.enum(values).optional());
}

/** `on` or `off`, undefined when unset (the default depends on NODE_ENV). */
export const onOff = optionalChoice(['on', 'off']);
