/**
 * The changes between two JSON values, and applying them: how a snapshot tick's aggregate is stored
 * as what changed since its keyframe. Pure functions over JSON (objects, arrays, strings, numbers,
 * booleans, null), so `patch(base, diff(base, next))` is deep-equal to `next`.
 *
 * Arrays of objects that all carry a unique string key (markets by `id`, P&L rows by `agentId`,
 * components by `source`) are diffed by that key, so a market added, removed or moved costs only
 * itself and a market whose prices did not move costs only the fields that did (its timestamps).
 * Other arrays are replaced whole when they differ.
 *
 * A delta is a small tagged tuple:
 *   ['=', value]                  replace with value
 *   ['o', { key: delta }, [removed keys]?]
 *   ['k', keyField, order | null, { key: delta }]   order: the keys in order, null when unchanged
 */

import { isRecord } from '../core/is-record.js';

export type Delta = readonly ['=', unknown] | readonly ['o', Record<string, Delta>, string[]?] | readonly ['k', string, string[] | null, Record<string, Delta>];

type JsonObject = Record<string, unknown>;

/** The fields tried, in this order, as an array's element key. */
const KEY_FIELDS = ['id', 'agentId', 'source', 'ticker'] as const;

/** The key field every element of both arrays carries, uniquely within each; null when none does. */
function keyFieldOf(a: readonly unknown[], b: readonly unknown[]): string | null {
  if (a.length === 0 && b.length === 0) return null;
  for (const field of KEY_FIELDS) {
    const unique = (list: readonly unknown[]) => {
      const seen = new Set<string>();
      for (const item of list) {
        if (!isRecord(item)) return false;
        const key = item[field];
        if (typeof key !== 'string' || seen.has(key)) return false;
        seen.add(key);
      }
      return true;
    };
    if (unique(a) && unique(b)) return field;
  }
  return null;
}

function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  return JSON.stringify(a) === JSON.stringify(b);
}

/** null when next equals base. */
export function diff(base: unknown, next: unknown): Delta | null {
  if (base === next) return null;
  if (isRecord(base) && isRecord(next)) {
    const changes: Record<string, Delta> = {};
    let changed = false;
    for (const [key, value] of Object.entries(next)) {
      const delta = Object.hasOwn(base, key) ? diff(base[key], value) : (['=', value] as const);
      if (delta) {
        changes[key] = delta;
        changed = true;
      }
    }
    const removed = Object.keys(base).filter((key) => !Object.hasOwn(next, key));
    if (removed.length > 0) return ['o', changes, removed];
    return changed ? ['o', changes] : null;
  }
  if (Array.isArray(base) && Array.isArray(next)) {
    const field = keyFieldOf(base, next);
    if (field === null) return sameJson(base, next) ? null : ['=', next];
    const byKey = new Map(base.map((item) => [(item as JsonObject)[field] as string, item]));
    const order = next.map((item) => (item as JsonObject)[field] as string);
    const sameOrder = order.length === base.length && order.every((key, i) => (base[i] as JsonObject)[field] === key);
    const changes: Record<string, Delta> = {};
    let changed = false;
    next.forEach((item, i) => {
      const key = order[i]!;
      const delta = byKey.has(key) ? diff(byKey.get(key), item) : (['=', item] as const);
      if (delta) {
        changes[key] = delta;
        changed = true;
      }
    });
    if (sameOrder && !changed) return null;
    return ['k', field, sameOrder ? null : order, changes];
  }
  return sameJson(base, next) ? null : ['=', next];
}

/** base with delta applied; base itself is not modified (unchanged parts are shared with it). */
export function patch(base: unknown, delta: Delta | null): unknown {
  if (delta === null) return base;
  switch (delta[0]) {
    case '=':
      return delta[1];
    case 'o': {
      const [, changes, removed] = delta;
      const source = isRecord(base) ? base : {};
      const out: JsonObject = {};
      const gone = new Set(removed ?? []);
      for (const [key, value] of Object.entries(source)) if (!gone.has(key)) out[key] = value;
      for (const [key, change] of Object.entries(changes)) out[key] = patch(source[key], change);
      return out;
    }
    case 'k': {
      const [, field, order, changes] = delta;
      const list = Array.isArray(base) ? (base as unknown[]) : [];
      const byKey = new Map(list.map((item) => [isRecord(item) ? (item[field] as string) : '', item]));
      const keys = order ?? list.map((item) => (isRecord(item) ? (item[field] as string) : ''));
      return keys.map((key) => (Object.hasOwn(changes, key) ? patch(byKey.get(key), changes[key]!) : byKey.get(key)));
    }
  }
}
