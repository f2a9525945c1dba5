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
 *   ['k', keyField, order | null, { key: delta }, [shared, exceptKeys]?]
 *                                 order: the keys in order, null when unchanged; shared: a delta
 *                                 applied to every element not in the changes nor in exceptKeys
 *
 * The shared delta is the change most elements of a keyed array have in common, written once: a
 * listing of 1,000 markets of which 23 moved re-dates all 1,000 (their provenance says when they
 * were fetched), and one delta per market would make every tick's document grow with all markets
 * rather than with those that changed. The elements that did not change at all are the exceptions.
 */

import { isRecord } from '../core/is-record.js';

export type Delta =
  readonly ['=', unknown] | readonly ['o', Record<string, Delta>, string[]?] | readonly ['k', string, string[] | null, Record<string, Delta>, SharedChange?];

/** A delta applied to every element of a keyed array but the listed ones (and those with changes of their own). */
type SharedChange = readonly [Delta, string[]];

/** Below this many elements with the same change, each keeps its own (the shared form saves nothing worth its keys). */
const MIN_SHARED = 16;

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

/**
 * The most common change among elements that were already there, when enough share it and they
 * outnumber the unchanged elements that must then be listed as exceptions; null otherwise.
 */
function sharedChange(
  changes: Record<string, Delta>,
  unchanged: string[],
  base: Map<string, unknown>,
): { change: SharedChange; changes: Record<string, Delta> } | null {
  const groups = new Map<string, string[]>();
  for (const [key, delta] of Object.entries(changes)) {
    if (!base.has(key)) continue; // a new element is replaced whole, never shared
    const text = JSON.stringify(delta);
    const group = groups.get(text);
    if (group) group.push(key);
    else groups.set(text, [key]);
  }
  let best: [string, string[]] | null = null;
  for (const entry of groups) if (!best || entry[1].length > best[1].length) best = entry;
  if (!best || best[1].length < MIN_SHARED || best[1].length <= unchanged.length) return null;
  const sharing = new Set(best[1]);
  const rest = Object.fromEntries(Object.entries(changes).filter(([key]) => !sharing.has(key)));
  return { change: [changes[best[1][0]!]!, unchanged], changes: rest };
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
    const unchanged: string[] = [];
    let changed = false;
    next.forEach((item, i) => {
      const key = order[i]!;
      const delta = byKey.has(key) ? diff(byKey.get(key), item) : (['=', item] as const);
      if (delta) {
        changes[key] = delta;
        changed = true;
      } else unchanged.push(key);
    });
    if (sameOrder && !changed) return null;
    const shared = sharedChange(changes, unchanged, byKey);
    return shared ? ['k', field, sameOrder ? null : order, shared.changes, shared.change] : ['k', field, sameOrder ? null : order, changes];
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
      const [, field, order, changes, shared] = delta;
      const list = Array.isArray(base) ? (base as unknown[]) : [];
      const byKey = new Map(list.map((item) => [isRecord(item) ? (item[field] as string) : '', item]));
      const keys = order ?? list.map((item) => (isRecord(item) ? (item[field] as string) : ''));
      const except = new Set(shared?.[1] ?? []);
      return keys.map((key) => {
        if (Object.hasOwn(changes, key)) return patch(byKey.get(key), changes[key]!);
        if (shared && !except.has(key)) return patch(byKey.get(key), shared[0]);
        return byKey.get(key);
      });
    }
  }
}
