/**
 * Local order book: deltas applied per second by ws/order-book.ts (sorted arrays, best last), next
 * to two references measured in the same run on the same delta stream:
 * - naive: an array of level objects, found by linear scan and re-sorted after every delta;
 * - map + lazy sort: a Map of sizes and a price list re-sorted on read when a level came or went.
 * Each is run twice: applying only, and applying then reading the top of book after every delta
 * (what a feed that publishes best bid/ask on every change does). The stream is synthetic but
 * shaped like Kalshi's: cent prices, ~70 % of deltas within 3¢ of the top, levels appearing and
 * emptying, a mid that walks. `npm run bench orderbook`; BENCH_DELTAS sets the count.
 */
import { formatCountHundredths, formatDollarMicros, MICROS_PER_CENT } from '../src/sources/kalshi/money.js';
import { KalshiOrderBook } from '../src/sources/kalshi/ws/order-book.js';
import type { OrderbookDeltaMsg } from '../src/sources/kalshi/ws/protocol.js';

const DELTAS = Number(process.env.BENCH_DELTAS ?? 1_000_000);
/** Wire messages are objects with strings: a smaller set is replayed instead of holding 1M of them. */
const WIRE_MESSAGES = 200_000;

interface DeltaStream {
  side: Uint8Array; // 0 = yes, 1 = no
  price: Int32Array; // micro-dollars
  delta: Int32Array; // hundredths, signed
}

/** A tiny seeded PRNG (mulberry32): the same stream every run. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Generates `count` deltas that are valid against the book they build (removals hit real levels). */
function generate(count: number): DeltaStream {
  const random = prng(0x0b00c);
  const stream: DeltaStream = { side: new Uint8Array(count), price: new Int32Array(count), delta: new Int32Array(count) };
  const books = [new Map<number, number>(), new Map<number, number>()];
  let midCents = 50;
  for (let i = 0; i < count; i++) {
    if (random() < 0.002) midCents = Math.min(90, Math.max(10, midCents + (random() < 0.5 ? -1 : 1)));
    const side = random() < 0.5 ? 0 : 1;
    const book = books[side]!;
    // Top of this side's bids: YES bids sit under the mid, NO bids under 1 − mid.
    const topCents = (side === 0 ? midCents : 100 - midCents) - 1;
    // Mostly at the top, a long tail deeper in the book.
    const offset = random() < 0.7 ? Math.floor(random() * 3) : Math.floor(random() * 25);
    const priceCents = Math.max(1, topCents - offset);
    const price = priceCents * MICROS_PER_CENT;
    const size = book.get(price) ?? 0;
    let delta: number;
    if (size > 0 && random() < 0.45) {
      // A cancel or a fill: often the whole level, sometimes part of it.
      delta = random() < 0.5 ? -size : -Math.max(1, Math.floor(size * random()));
    } else {
      delta = (1 + Math.floor(random() * 500)) * (random() < 0.9 ? 100 : 1);
    }
    const next = size + delta;
    if (next > 0) book.set(price, next);
    else book.delete(price);
    stream.side[i] = side;
    stream.price[i] = price;
    stream.delta[i] = delta;
  }
  return stream;
}

interface BenchBook {
  apply(side: number, price: number, delta: number): void;
  /** Best YES bid price + best NO bid price: forces whatever work reading the top costs. */
  top(): number;
  /** Ascending [price, size] per side, to check every book ended in the same state. */
  dump(): string;
}

function ours(): BenchBook {
  const book = new KalshiOrderBook();
  return {
    apply: (side, price, delta) => book.applyDelta(side === 0 ? 'yes' : 'no', price, delta),
    top: () => (book.bestBid()?.price ?? 0) + (book.bestAsk()?.price ?? 0),
    dump: () => JSON.stringify(book.levels()),
  };
}

/** The naive book: linear find, then sort the whole side after every delta. */
function naive(): BenchBook {
  const sides: { price: number; size: number }[][] = [[], []];
  return {
    apply(side, price, delta) {
      const levels = sides[side]!;
      const index = levels.findIndex((l) => l.price === price);
      if (index >= 0) {
        levels[index]!.size += delta;
        if (levels[index]!.size <= 0) levels.splice(index, 1);
      } else if (delta > 0) {
        levels.push({ price, size: delta });
      }
      levels.sort((a, b) => a.price - b.price);
    },
    top: () => (sides[0]!.at(-1)?.price ?? 0) + (sides[1]!.at(-1)?.price ?? 0),
    dump: () => JSON.stringify({ yes: sides[0]!.map((l) => [l.price, l.size]), no: sides[1]!.map((l) => [l.price, l.size]) }),
  };
}

/** A Map of sizes; the sorted price list is rebuilt on read when a level appeared or vanished. */
function mapLazySort(): BenchBook {
  const sizes = [new Map<number, number>(), new Map<number, number>()];
  const sorted: number[][] = [[], []];
  const dirty = [false, false];
  const view = (side: number): number[] => {
    if (dirty[side]) {
      sorted[side] = [...sizes[side]!.keys()].sort((a, b) => a - b);
      dirty[side] = false;
    }
    return sorted[side]!;
  };
  return {
    apply(side, price, delta) {
      const map = sizes[side]!;
      const size = (map.get(price) ?? 0) + delta;
      const had = map.has(price);
      if (size > 0) {
        map.set(price, size);
        if (!had) dirty[side] = true;
      } else if (had) {
        map.delete(price);
        dirty[side] = true;
      }
    },
    top: () => (view(0).at(-1) ?? 0) + (view(1).at(-1) ?? 0),
    dump: () => JSON.stringify({ yes: view(0).map((p) => [p, sizes[0]!.get(p)]), no: view(1).map((p) => [p, sizes[1]!.get(p)]) }),
  };
}

function measure(make: () => BenchBook, stream: DeltaStream, count: number, readTop: boolean): { perSecond: number; book: BenchBook } {
  const book = make();
  let sink = 0;
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    book.apply(stream.side[i]!, stream.price[i]!, stream.delta[i]!);
    if (readTop) sink += book.top();
  }
  const seconds = (performance.now() - started) / 1000;
  if (sink === -1) console.log('unreachable'); // keeps the reads from being optimized away
  return { perSecond: count / seconds, book };
}

function wireMessages(stream: DeltaStream, count: number): OrderbookDeltaMsg[] {
  return Array.from({ length: count }, (_, i) => ({
    market_ticker: 'BENCH-1',
    market_id: '00000000-0000-4000-8000-000000000000',
    price_dollars: formatDollarMicros(stream.price[i]!),
    delta_fp: formatCountHundredths(stream.delta[i]!),
    side: stream.side[i] === 0 ? 'yes' : 'no',
    ts_ms: 0,
  }));
}

const fmt = (n: number): string => `${Math.round(n).toLocaleString('en-US').padStart(12)} deltas/s`;

/** bench/run.ts awaits each bench's run(); this one is synchronous, and a throw still rejects. */
export function run(): Promise<void> {
  return new Promise((resolve) => {
    measureAll();
    resolve();
  });
}

function measureAll(): void {
  const stream = generate(DELTAS);
  // The naive book is slow; a slice of the stream is enough to measure it.
  const naiveCount = Math.min(DELTAS, 200_000);

  // Warm the JIT on a slice first, so the first measured row is not penalized.
  for (const make of [ours, naive, mapLazySort]) measure(make, stream, 20_000, true);

  console.log(`\nKalshi local order book (${DELTAS.toLocaleString('en-US')} deltas; naive on the first ${naiveCount.toLocaleString('en-US')})`);
  console.log(`${''.padEnd(40)} ${'apply only'.padStart(21)} ${'apply + read top'.padStart(21)}`);
  const rows: [string, () => BenchBook, number][] = [
    ['baseline: array, re-sort every delta', naive, naiveCount],
    ['baseline: Map + sort on read', mapLazySort, DELTAS],
    ['ours: sorted arrays (order-book.ts)', ours, DELTAS],
  ];
  const results = new Map<string, number>();
  for (const [name, make, count] of rows) {
    const applyOnly = measure(make, stream, count, false);
    const withTop = measure(make, stream, count, true);
    results.set(name, withTop.perSecond);
    console.log(`${name.padEnd(40)} ${fmt(applyOnly.perSecond)} ${fmt(withTop.perSecond)}`);
  }

  // The wire path: parse the delta's strings (money.ts) and apply, as the feed does per message.
  const messages = wireMessages(stream, Math.min(WIRE_MESSAGES, DELTAS));
  const wireBook = new KalshiOrderBook();
  const rounds = Math.max(1, Math.floor(DELTAS / messages.length));
  const started = performance.now();
  for (let round = 0; round < rounds; round++) {
    if (round > 0) wireBook.clear();
    for (const message of messages) wireBook.applyDeltaMsg(message);
  }
  const wirePerSecond = (rounds * messages.length) / ((performance.now() - started) / 1000);
  console.log(`${'ours: parse strings + apply (wire msg)'.padEnd(40)} ${fmt(wirePerSecond)}`);

  // Sanity, not an assertion: every implementation must end in the same state on the same slice.
  const check = [ours, naive, mapLazySort].map((make) => measure(make, stream, naiveCount, false).book.dump());
  console.log(`final books agree on the first ${naiveCount.toLocaleString('en-US')} deltas: ${check.every((dump) => dump === check[0]) ? 'yes' : 'NO'}`);
  const oursRate = results.get('ours: sorted arrays (order-book.ts)') ?? 0;
  const naiveRate = results.get('baseline: array, re-sort every delta') ?? 1;
  console.log(`ours / naive (apply + read top): ${(oursRate / naiveRate).toFixed(1)}×`);
}
