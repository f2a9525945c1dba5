/**
 * The binary body of one market_ticks block: one market's ticks over at most a minute, oldest
 * first, each a delta against the tick before it. market-ticks.ts decides which ticks share a
 * block; this file only turns a block's ticks into bytes and back, exactly.
 *
 * Layout (all integers unsigned LEB128 varints unless said otherwise):
 *
 *     body  := VERSION(1 byte) tick*
 *     tick  := msOffset  mask(1 byte)  value*
 *
 * - msOffset: the tick's epoch ms minus the previous tick's (the first tick's: minus the block's
 *   start, which the row's key holds, so 0 when the block starts at its first tick).
 * - mask: bit i (i = 0…4: bid, ask, last, volume, open interest) says field i changed and one value
 *   follows for it, in field order. Bits 5–7 are zero (a reader refuses anything else).
 * - value: the field's change, as `zigzag(delta / 100^k) * 4 + k` with k (0…3) the largest for which
 *   the division is exact. Prices are micro-dollars that move by whole cents (10,000) and counts are
 *   hundredths that move by whole contracts (100), so a typical change is one byte instead of three.
 *
 * Before the first tick every field is 0, so the first tick names every field that is not 0: the
 * block decodes alone (a keyframe at the block's start). ABSENT (no value: an empty book side) is -1
 * in the same integer domain, so an emptied side is a change like any other.
 *
 * Values are exact: null or a safe integer ≥ 0 (Number.MAX_SAFE_INTEGER volumes included); a delta
 * too large for 32-bit arithmetic takes a BigInt path.
 */

/** A tick's five fields in the stored units (integer micro-dollars, hundredths); null = no value. */
export type TickValues = [bid: number | null, ask: number | null, last: number | null, volume: number | null, openInterest: number | null];

export interface BlockTick {
  atMs: number;
  values: TickValues;
}

const VERSION = 1;
const FIELDS = 5;
const ABSENT = -1;
const RESERVED_MASK_BITS = 0b1110_0000;
/** 100^k for the value's scale k. */
const SCALES = [1, 100, 10_000, 1_000_000] as const;
const BIG_SCALES = SCALES.map(BigInt);
/** Below this a zigzagged, scaled value (times 4) still fits a 31-bit integer: plain number arithmetic. */
const SMALL = 2 ** 26;

const stored = (value: number | null): number => (value === null ? ABSENT : value);

function checkValue(value: number | null): void {
  if (value !== null && !(Number.isSafeInteger(value) && value >= 0)) {
    throw new RangeError(`a tick value must be null or a safe integer ≥ 0, got ${value}`);
  }
}

/** A growing byte buffer (blocks are a few hundred bytes). */
class Bytes {
  private buffer = new Uint8Array(64);
  length = 0;

  push(byte: number): void {
    if (this.length === this.buffer.length) {
      const grown = new Uint8Array(this.buffer.length * 2);
      grown.set(this.buffer);
      this.buffer = grown;
    }
    this.buffer[this.length++] = byte;
  }

  varint(value: number): void {
    let rest = value;
    while (rest >= 0x80) {
      this.push((rest % 0x80) | 0x80);
      rest = Math.floor(rest / 0x80);
    }
    this.push(rest);
  }

  bigVarint(value: bigint): void {
    let rest = value;
    while (rest >= 0x80n) {
      this.push(Number(rest & 0x7fn) | 0x80);
      rest >>= 7n;
    }
    this.push(Number(rest));
  }

  /** A copy of the bytes so far (the buffer keeps growing). */
  snapshot(): Uint8Array<ArrayBuffer> {
    return this.buffer.slice(0, this.length);
  }
}

function scaleOf(delta: number): number {
  for (let k = SCALES.length - 1; k > 0; k--) if (delta % SCALES[k]! === 0) return k;
  return 0;
}

function writeDelta(out: Bytes, delta: number): void {
  const k = scaleOf(delta);
  const scaled = delta / SCALES[k]!;
  if (Math.abs(scaled) < SMALL) {
    out.varint((scaled >= 0 ? scaled * 2 : -scaled * 2 - 1) * 4 + k);
    return;
  }
  const big = BigInt(scaled);
  out.bigVarint((big >= 0n ? big * 2n : -big * 2n - 1n) * 4n + BigInt(k));
}

/**
 * Appends ticks to one block. Append-only, like the format: each tick costs only its own bytes, so
 * the writer can grow its open block on every flush without encoding it again.
 */
export class TickBlockEncoder {
  private readonly out = new Bytes();
  private lastMs: number;
  private readonly last: number[] = Array<number>(FIELDS).fill(0);
  private ticks = 0;

  constructor(readonly startMs: number) {
    this.out.push(VERSION);
    this.lastMs = startMs;
  }

  /** Ticks so far. */
  get count(): number {
    return this.ticks;
  }

  /** The newest tick's time (the start while empty). */
  get lastAtMs(): number {
    return this.lastMs;
  }

  /** The first tick at the block's start or later, every next one strictly later. */
  append(tick: BlockTick): void {
    const earliest = this.ticks === 0 ? this.startMs : this.lastMs + 1;
    if (!Number.isSafeInteger(tick.atMs) || tick.atMs < earliest) {
      throw new RangeError(`tick at ${tick.atMs} cannot follow ${this.ticks === 0 ? 'the block start' : 'the last tick'} (${this.lastMs})`);
    }
    tick.values.forEach(checkValue);
    this.out.varint(tick.atMs - this.lastMs);
    const next = tick.values.map(stored);
    let mask = 0;
    next.forEach((value, i) => {
      if (value !== this.last[i]) mask |= 1 << i;
    });
    this.out.push(mask);
    next.forEach((value, i) => {
      if (mask & (1 << i)) writeDelta(this.out, value - this.last[i]!);
      this.last[i] = value;
    });
    this.lastMs = tick.atMs;
    this.ticks += 1;
  }

  bytes(): Uint8Array<ArrayBuffer> {
    return this.out.snapshot();
  }
}

export function encodeTickBlock(startMs: number, ticks: readonly BlockTick[]): Uint8Array<ArrayBuffer> {
  const encoder = new TickBlockEncoder(startMs);
  ticks.forEach((tick) => encoder.append(tick));
  return encoder.bytes();
}

class Reader {
  offset = 0;
  constructor(private readonly body: Uint8Array) {}

  get done(): boolean {
    return this.offset >= this.body.length;
  }

  byte(): number {
    if (this.offset >= this.body.length) throw new RangeError('tick block truncated');
    return this.body[this.offset++]!;
  }

  /** A number while it fits 28 bits (every common value), else a bigint. */
  varint(): number | bigint {
    let value = 0;
    for (let shift = 0; shift < 28; shift += 7) {
      const byte = this.byte();
      value += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return value;
    }
    let big = BigInt(value);
    for (let shift = 28n; shift <= 70n; shift += 7n) {
      const byte = this.byte();
      big |= BigInt(byte & 0x7f) << shift;
      if (byte < 0x80) return big;
    }
    throw new RangeError('tick block varint too long');
  }
}

function readDelta(reader: Reader, previous: number): number {
  const raw = reader.varint();
  if (typeof raw === 'number') {
    const k = raw % 4;
    const zigzag = (raw - k) / 4;
    const scaled = zigzag % 2 === 0 ? zigzag / 2 : -(zigzag + 1) / 2;
    return previous + scaled * SCALES[k]!;
  }
  const k = Number(raw & 3n);
  const zigzag = raw >> 2n;
  const scaled = zigzag & 1n ? -((zigzag + 1n) >> 1n) : zigzag >> 1n;
  const value = BigInt(previous) + scaled * BIG_SCALES[k]!;
  // Exact: a value the encoder accepted is a safe integer.
  return Number(value);
}

function msOffset(reader: Reader): number {
  const raw = reader.varint();
  return typeof raw === 'number' ? raw : Number(raw);
}

/** The block's ticks, oldest first; throws on a body this version did not write. */
export function decodeTickBlock(startMs: number, body: Uint8Array): BlockTick[] {
  const reader = new Reader(body);
  const version = reader.byte();
  if (version !== VERSION) throw new RangeError(`tick block version ${version} is not ${VERSION}`);
  const current = Array<number>(FIELDS).fill(0);
  const ticks: BlockTick[] = [];
  let atMs = startMs;
  while (!reader.done) {
    atMs += msOffset(reader);
    const mask = reader.byte();
    if (mask & RESERVED_MASK_BITS) throw new RangeError(`tick block mask ${mask} uses reserved bits`);
    for (let i = 0; i < FIELDS; i++) if (mask & (1 << i)) current[i] = readDelta(reader, current[i]!);
    ticks.push({ atMs, values: current.map((value) => (value === ABSENT ? null : value)) as TickValues });
  }
  return ticks;
}
