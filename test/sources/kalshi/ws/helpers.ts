/**
 * Shared by the WebSocket tests: a raw protocol client (to speak to the simulator frame by frame)
 * and the "local book equals the model's book" check. Waiting is on events and conditions only.
 */
import { expect } from 'vitest';
import { WebSocket, type RawData } from 'ws';
import type { ManualClock } from '../../../../src/core/clock.js';
import type { OrderBookRecord } from '../../../../src/core/domain.js';
import { normalizeOrderBook } from '../../../../src/sources/kalshi/normalize.js';
import type { KalshiMarketModel } from '../../../../src/simulators/kalshi/market-model.js';

export const START = Date.UTC(2026, 10, 24, 12, 0, 0);

/**
 * A frame as parsed off the wire. Only the envelope is typed; the payload stays `unknown`-valued on
 * purpose (the tests check what the wire actually carries) and each test says what it expects of it.
 */
export interface Frame {
  type?: string;
  id?: number;
  sid?: number;
  seq?: number;
  /** Absent on a few frames (`unsubscribed`); the tests only read it where the protocol sends one. */
  msg: FrameMsg;
}
export type FrameMsg = Record<string, unknown>;

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.from(data).toString('utf8');
}

/** A bare `ws` client that records every frame it receives. */
export class RawClient {
  readonly frames: Frame[] = [];
  private waiters: (() => void)[] = [];

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data: RawData) => {
      this.frames.push(JSON.parse(rawText(data)) as Frame);
      for (const wake of this.waiters.splice(0)) wake();
    });
  }

  static connect(url: string, headers: Record<string, string> = {}): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url, { headers });
      socket.once('open', () => resolve(new RawClient(socket)));
      socket.once('error', reject);
    });
  }

  /** The HTTP status an upgrade is refused with (rejects if the upgrade succeeds). */
  static refusal(url: string, headers: Record<string, string> = {}): Promise<number> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url, { headers });
      socket.once('unexpected-response', (_req, res) => {
        resolve(res.statusCode ?? 0);
        res.resume();
        socket.terminate();
      });
      socket.once('open', () => {
        socket.terminate();
        reject(new Error('upgrade was accepted'));
      });
      socket.once('error', () => undefined);
    });
  }

  send(frame: unknown): void {
    this.socket.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** Resolves with the first frame (from index `from` on) matching `match`, waiting for it if needed. */
  async next(match: (frame: Frame) => boolean, from = 0): Promise<Frame> {
    for (;;) {
      const found = this.frames.slice(from).find(match);
      if (found) return found;
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  /** Waits until `count` frames match, and returns them. */
  async all(match: (frame: Frame) => boolean, count: number): Promise<Frame[]> {
    for (;;) {
      const found = this.frames.filter(match);
      if (found.length >= count) return found;
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.socket.readyState === WebSocket.CLOSED) return resolve();
      this.socket.once('close', () => resolve());
      this.socket.terminate();
    });
  }
}

/** Active markets of the model, first `count` of them. */
export function activeTickers(model: KalshiMarketModel, count: number): string[] {
  return model
    .listStates()
    .filter((market) => market.status === 'active')
    .slice(0, count)
    .map((market) => market.ticker);
}

/** The model's book as the REST path would serve and normalize it. */
export function modelBook(model: KalshiMarketModel, ticker: string): Pick<OrderBookRecord, 'bids' | 'asks'> {
  const payload = model.orderbook(ticker);
  if (!payload) return { bids: [], asks: [] };
  const { bids, asks } = normalizeOrderBook(ticker, payload.orderbook_fp, START);
  return { bids, asks };
}

/** Asserts each local book equals the model's book exactly (for use inside vi.waitFor). */
export function expectBooksEqualModel(book: (ticker: string) => OrderBookRecord | undefined, model: KalshiMarketModel, tickers: readonly string[]): void {
  for (const ticker of tickers) {
    const local = book(ticker);
    expect(local, `no local book for ${ticker}`).toBeDefined();
    expect({ ticker, bids: local!.bids, asks: local!.asks }).toEqual({ ticker, ...modelBook(model, ticker) });
  }
}

/** Moves simulated time in model-tick steps, letting sockets carry what each step sent. */
export async function run(clock: ManualClock, ms: number, stepMs = 250): Promise<void> {
  for (let elapsed = 0; elapsed < ms; elapsed += stepMs) await clock.advance(stepMs);
}
