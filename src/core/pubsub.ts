/**
 * Every live event flows through one typed pub/sub. It is yoga's createPubSub over an EventTarget:
 * in-process today; scale-out swaps the event target for a Redis-backed one without touching
 * publishers or resolvers.
 *
 * It also knows every open subscription stream, so graceful shutdown can complete them all (SSE
 * clients get `event: complete`, graphql-ws clients a `complete` message) before sockets close.
 */
import { setMaxListeners } from 'node:events';
import { Repeater, SlidingBuffer, createPubSub, type PubSub, type PubSubEventTarget } from 'graphql-yoga';
import type { AggregateRecord, InsightChunkRecord, MarketRecord, OrderBookRecord, SourceStatusRecord } from './domain.js';
import type { TradeEvent } from './market-history.js';

export type NorthstarEvents = {
  aggregateUpdated: [AggregateRecord];
  marketUpdated: [MarketRecord];
  orderBookUpdated: [OrderBookRecord];
  insightChunk: [InsightChunkRecord];
  sourceStatusChanged: [SourceStatusRecord];
  /** Every public trade the exchange's trade channel sends, in the order received. */
  tradeExecuted: [TradeEvent];
};

export interface NorthstarPubSub extends PubSub<NorthstarEvents> {
  /** Open subscription streams (one per subscriber). */
  readonly openStreams: number;
  /** Ends every open stream; later subscriptions end at once. */
  completeAll(): Promise<void>;
}

/**
 * What a subscriber that cannot keep up still receives. State topics keep only the newest values
 * (a slow client gets the latest aggregate, not a backlog); an insight's text deltas are a stream
 * whose pieces all matter, so they get a large bound instead. Either way memory per subscriber is
 * bounded: one slow client cannot grow the server.
 */
const BUFFER_BY_TOPIC: Record<keyof NorthstarEvents, number> = {
  aggregateUpdated: 1,
  marketUpdated: 64,
  orderBookUpdated: 64,
  sourceStatusChanged: 16,
  insightChunk: 4096,
  // Trades are events, not state: each one matters to a tape, so a slow reader gets a deep buffer.
  tradeExecuted: 1024,
};

/** This module has no logger: its failures go out as process warnings (as the poll loop's do). */
function warn(what: string, error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  process.emitWarning(`${what}: ${message}`, {
    type: 'PubSubError',
    ...(error instanceof Error && error.stack ? { detail: error.stack } : {}),
  });
}

function warnPushFailed(error: unknown): void {
  warn('a subscription stream refused an event', error);
}

/**
 * The in-process event target. Every subscriber is one listener on its topic, so hundreds of them is
 * normal, not a leak: Node's listener warning is off here (open streams are counted instead).
 */
function inProcessEventTarget(): PubSubEventTarget<NorthstarEvents> {
  const target = new EventTarget();
  setMaxListeners(0, target);
  return target as PubSubEventTarget<NorthstarEvents>;
}

export function createNorthstarPubSub(eventTarget: PubSubEventTarget<NorthstarEvents> = inProcessEventTarget()): NorthstarPubSub {
  const inner = createPubSub<NorthstarEvents>({ eventTarget });
  const open = new Set<Repeater<unknown>>();
  let closed = false;

  // Generic over the topic, which TypeScript cannot follow through the wrapper: typed at the edges.
  const subscribe = ((topic: keyof NorthstarEvents) => {
    const source = inner.subscribe(topic);
    // The event target pushes into a bounded buffer that the subscriber drains at its own pace.
    const stream = new Repeater<unknown>(async (push, stop) => {
      (async () => {
        // A sliding buffer always has room, so push() is not awaited. (Racing it against `stop`
        // would add a reaction to that one long-lived promise per event: ~600 bytes an event, for
        // as long as the subscription lives. test/core/pubsub.test.ts measures it.) Each push's own
        // promise is short-lived: one shared handler on it costs no closure per event.
        for await (const value of source) push(value).catch(warnPushFailed);
        stop();
      })().catch((error: unknown) => {
        warn('a subscription source failed; its stream ends with the error', error);
        stop(error);
      });
      await stop;
      await source.return(undefined);
    }, new SlidingBuffer(BUFFER_BY_TOPIC[topic]));
    // The repeater's own return() is what frees its event listener; we only forget it afterwards.
    const originalReturn = stream.return.bind(stream);
    stream.return = ((value?: unknown) => {
      open.delete(stream);
      return originalReturn(value);
    }) as typeof stream.return;
    if (closed) {
      // Shutdown has begun (completeAll() has already taken its list): end it now and never hold it.
      // Not started yet, it never attached a listener, and its consumer may never call return().
      originalReturn(undefined).catch((error: unknown) => warn('ending a subscription stream after shutdown failed', error));
      return stream;
    }
    open.add(stream);
    return stream;
  }) as PubSub<NorthstarEvents>['subscribe'];

  return {
    publish: inner.publish.bind(inner),
    subscribe,
    get openStreams() {
      return open.size;
    },
    async completeAll() {
      closed = true;
      await Promise.all([...open].map((stream) => stream.return(undefined)));
    },
  };
}
