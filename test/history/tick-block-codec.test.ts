/**
 * The market_ticks block body: every tick back exactly (absent values, large and negative deltas,
 * volumes up to Number.MAX_SAFE_INTEGER), a first tick that needs nothing before it, the sizes the
 * format is for, and bodies it did not write refused.
 */
import { describe, expect, it } from 'vitest';
import { decodeTickBlock, encodeTickBlock, TickBlockEncoder, type BlockTick, type TickValues } from '../../src/history/tick-block-codec.js';

const T0 = Date.UTC(2026, 10, 24, 12, 0, 0);

const tick = (offsetMs: number, values: TickValues): BlockTick => ({ atMs: T0 + offsetMs, values });

const roundTrip = (ticks: BlockTick[], startMs = T0) => decodeTickBlock(startMs, encodeTickBlock(startMs, ticks));

describe('tick block codec', () => {
  it('reads back every tick exactly: unchanged, changed, emptied and refilled fields', () => {
    const ticks = [
      tick(0, [450_000, 470_000, null, 1_234_500, 700]),
      tick(1000, [450_000, 470_000, 460_000, 1_235_500, 700]), // a trade: last and volume
      tick(2003, [440_000, 470_000, 460_000, 1_235_500, 700]), // a quote
      tick(3500, [null, 470_000, 460_000, 1_235_500, 700]), // the bid side emptied
      tick(3501, [10_100, null, 460_000, 1_235_507, 701]), // odd changes: scale 1
      tick(59_999, [10_100, null, 460_000, 1_235_507, 701]), // nothing changed, the time did
    ];
    expect(roundTrip(ticks)).toEqual(ticks);
  });

  it('decodes alone from the block start: a first tick after the start, a first tick of zeros and nulls', () => {
    expect(roundTrip([tick(250, [0, null, 0, null, 0])])).toEqual([tick(250, [0, null, 0, null, 0])]);
    expect(roundTrip([], T0)).toEqual([]);
  });

  it('keeps large deltas, negative deltas and BigInt-range volumes exact', () => {
    const max = Number.MAX_SAFE_INTEGER;
    const ticks = [
      tick(0, [999_999, 1, 0, max, 2 ** 40 + 3]),
      tick(1, [0, 999_999, 1, 0, 2 ** 40 + 3]), // volume falls by 2^53 - 1
      tick(2, [0, 999_999, 1, max, null]), // and rises again; open interest emptied
      tick(3, [0, 999_999, 1, max - 1, 2 ** 52 + 1]),
      tick(2 ** 40, [0, 999_999, 1, 12_345_678_901_234, 0]), // a long time offset
    ];
    expect(roundTrip(ticks)).toEqual(ticks);
  });

  it('costs about a byte per changed whole-cent price or whole-contract count', () => {
    const first = encodeTickBlock(T0, [tick(0, [450_000, 470_000, 460_000, 1_234_500, 70_000])]);
    const encoder = new TickBlockEncoder(T0);
    encoder.append(tick(0, [450_000, 470_000, 460_000, 1_234_500, 70_000]));
    encoder.append(tick(1000, [460_000, 470_000, 460_000, 1_234_500, 70_000]));
    // Offset 1000 (2 bytes), the mask, one cent up on the bid (1 byte).
    expect(encoder.bytes().length - first.length).toBe(4);
    encoder.append(tick(2000, [460_000, 470_000, 470_000, 1_235_000, 70_000]));
    // A trade of 5 contracts: last and volume, a byte each.
    expect(encoder.bytes().length - first.length).toBe(4 + 5);
    expect(encoder.count).toBe(3);
    expect(encoder.lastAtMs).toBe(T0 + 2000);
  });

  it('appends to a body already taken without changing it', () => {
    const encoder = new TickBlockEncoder(T0);
    encoder.append(tick(0, [1, 2, 3, 4, 5]));
    const before = encoder.bytes();
    const copy = Uint8Array.from(before);
    encoder.append(tick(1000, [6, 7, 8, 9, 10]));
    expect(before).toEqual(copy);
    expect(decodeTickBlock(T0, encoder.bytes())).toEqual([tick(0, [1, 2, 3, 4, 5]), tick(1000, [6, 7, 8, 9, 10])]);
  });

  it('refuses ticks out of order and values it cannot hold exactly', () => {
    const encoder = new TickBlockEncoder(T0);
    expect(() => encoder.append(tick(-1, [1, 1, 1, 1, 1]))).toThrow(RangeError);
    encoder.append(tick(5, [1, 1, 1, 1, 1]));
    expect(() => encoder.append(tick(5, [1, 1, 1, 1, 1]))).toThrow(RangeError);
    for (const bad of [-1, 0.5, Number.MAX_SAFE_INTEGER + 1, Number.NaN]) {
      expect(() => encoder.append(tick(10, [bad, 1, 1, 1, 1]))).toThrow(RangeError);
    }
    expect(decodeTickBlock(T0, encoder.bytes())).toEqual([tick(5, [1, 1, 1, 1, 1])]);
  });

  it('refuses bodies it did not write: another version, reserved mask bits, a truncated value', () => {
    const body = encodeTickBlock(T0, [tick(0, [450_000, 470_000, null, 1_234_500, 700])]);
    expect(() => decodeTickBlock(T0, Uint8Array.of(2, ...body.slice(1)))).toThrow(/version/);
    expect(() => decodeTickBlock(T0, Uint8Array.of(1, 0, 0b1000_0000))).toThrow(/reserved/);
    expect(() => decodeTickBlock(T0, body.slice(0, -1))).toThrow(/truncated/);
  });
});
