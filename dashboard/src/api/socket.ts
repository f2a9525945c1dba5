/**
 * Subscriptions over graphql-ws at ws(s)://<this host>/graphql. The socket is retried for ever
 * (with backoff) and graphql-ws re-subscribes each live subscription on the new socket; this
 * module adds what graphql-ws gives up on:
 *   - 4401 (no key, or a refused one) / 4403 (a key without the scope): ask for the key, then open
 *     a new client with it and subscribe everything again;
 *   - 4429 (too many connections for this key) and other closes graphql-ws treats as final: wait,
 *     then the same;
 *   - an id the server does not know: subscribe again with the registered document;
 *   - a subscription refused with an error (rate limit, too many on this socket): again later.
 * It reports the socket's state (connecting, live, reconnecting, needs-key) and each reconnect.
 */
import type { DocumentNode } from 'graphql';
import { createClient, type Client } from 'graphql-ws/client';
import type { ConnectionState } from './api.js';
import { backoffMs, sleep } from './backoff.js';
import { GRAPHQL_PATH } from './http-query.js';
import type { KeyPrompt } from './key-prompt.js';
import { isPersistedNotFound, operationRequest } from './persisted.js';

const CLOSE_UNAUTHORIZED = 4401;
const CLOSE_FORBIDDEN = 4403;
/** A subscription the server refused with an error: tried again after this long. */
const RESUBSCRIBE_MS = 5_000;

interface Entry {
  document: DocumentNode;
  variables: Record<string, unknown>;
  onData: (data: unknown) => void;
  /** Sent with its document since the server said it lacks the id. */
  withDocument: boolean;
  /** Ends the subscription on the current client. */
  stop: (() => void) | null;
  /** The client it runs on: a stale entry's errors are not acted on. */
  generation: number;
  retryTimer: ReturnType<typeof setTimeout> | null;
}

export interface SocketEvents {
  state(state: ConnectionState): void;
  reconnected(): void;
}

interface GraphQLErrorLike {
  message?: unknown;
  extensions?: { code?: unknown };
}

const isCloseEvent = (value: unknown): value is { code: number; reason: string } =>
  typeof value === 'object' && value !== null && 'code' in value && typeof value.code === 'number';

const socketUrl = (): string => `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}${GRAPHQL_PATH}`;

export interface SubscriptionSocket {
  subscribe(document: DocumentNode, variables: Record<string, unknown>, onData: (data: unknown) => void): () => void;
}

export function createSubscriptionSocket(keys: KeyPrompt, events: SocketEvents): SubscriptionSocket {
  const entries = new Set<Entry>();
  let generation = 0;
  let client: Client | null = null;
  /** Whether any client of this page has been live: a later connect is a reconnect. */
  let everLive = false;
  let recovering = false;
  let failures = 0;
  /** The key the current client's last connection attempt sent (null: none). */
  let sentKey: string | null = null;

  const start = (entry: Entry): void => {
    if (!client) return;
    entry.generation = generation;
    // graphql-ws wants a string `query`: "" with the id (limits/persisted-operations.ts resolveSocketDocument).
    const request = operationRequest(entry.document, entry.variables, entry.withDocument);
    entry.stop = client.subscribe(
      { ...request, query: request.query ?? '' },
      {
        next: (result) => {
          if (result.data != null) entry.onData(result.data);
        },
        error: (error: unknown) => onEntryError(entry, error),
        complete: () => undefined,
      },
    );
  };

  const onEntryError = (entry: Entry, error: unknown): void => {
    entry.stop = null;
    // A close of the socket reaches every subscription; the client-wide handler deals with it.
    if (entry.generation !== generation || isCloseEvent(error) || !entries.has(entry)) return;
    const errors = (Array.isArray(error) ? error : [error]) as GraphQLErrorLike[];
    if (!entry.withDocument && errors.some(isPersistedNotFound)) {
      entry.withDocument = true;
      start(entry);
      return;
    }
    if (errors.some((e) => e.extensions?.code === 'FORBIDDEN')) {
      recoverLater(CLOSE_FORBIDDEN);
      return;
    }
    entry.retryTimer = setTimeout(() => {
      entry.retryTimer = null;
      if (entries.has(entry)) start(entry);
    }, RESUBSCRIBE_MS);
  };

  /** graphql-ws gave up on the socket (a close it treats as final): new client, all again. */
  const recover = async (code: number | null): Promise<void> => {
    if (recovering) return;
    recovering = true;
    generation++;
    const old = client;
    client = null;
    for (const entry of entries) entry.stop = null;
    // The old socket is closed or closing; a failure to close it cleanly changes nothing.
    old?.dispose()?.catch(() => undefined);
    if (code === CLOSE_UNAUTHORIZED || code === CLOSE_FORBIDDEN) {
      events.state('needs-key');
      // The key the refused connection sent: one typed since then is tried without asking again.
      await keys.ask(code === CLOSE_FORBIDDEN ? 'forbidden' : sentKey ? 'refused' : 'missing', sentKey);
    } else {
      events.state(everLive ? 'reconnecting' : 'connecting');
      await sleep(backoffMs(failures++));
    }
    recovering = false;
    open();
  };

  const recoverLater = (code: number | null): void => {
    // recover() only waits (for the key, or a backoff): it has nothing that could reject.
    recover(code).catch((error: unknown) => console.error('northstar dashboard: reconnecting failed', error));
  };

  const open = (): void => {
    const mine = generation;
    const current = createClient({
      url: socketUrl(),
      lazy: false,
      retryAttempts: Infinity,
      // Everything is worth another try except a key without the scope (a new key is needed).
      shouldRetry: (error) => !(isCloseEvent(error) && error.code === CLOSE_FORBIDDEN),
      retryWait: (retries) => sleep(backoffMs(retries)),
      keepAlive: 10_000,
      connectionAckWaitTimeout: 10_000,
      connectionParams: () => {
        const key = keys.current();
        if (mine === generation) sentKey = key;
        return key ? { authorization: `Bearer ${key}` } : {};
      },
      onNonLazyError: (error) => {
        if (mine === generation) recoverLater(isCloseEvent(error) ? error.code : null);
      },
      on: {
        connecting: (isRetry) => {
          if (mine === generation) events.state(isRetry || everLive ? 'reconnecting' : 'connecting');
        },
        connected: () => {
          if (mine !== generation) return;
          failures = 0;
          const wasLive = everLive;
          everLive = true;
          events.state('live');
          if (wasLive) events.reconnected();
        },
        closed: () => {
          if (mine === generation && everLive && !recovering) events.state('reconnecting');
        },
      },
    });
    client = current;
    for (const entry of entries) start(entry);
  };

  open();

  return {
    subscribe(document, variables, onData) {
      const entry: Entry = { document, variables, onData, withDocument: false, stop: null, generation, retryTimer: null };
      entries.add(entry);
      start(entry);
      return () => {
        entries.delete(entry);
        if (entry.retryTimer) clearTimeout(entry.retryTimer);
        entry.stop?.();
        entry.stop = null;
      };
    },
  };
}
