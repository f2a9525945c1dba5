/**
 * The DashboardApi the panels use: queries over fetch (http-query.ts), subscriptions over one
 * graphql-ws socket (socket.ts), one key prompt shared by both (key-prompt.ts), and the
 * connection's state as one value for the badge. Everything same-origin: the page talks to the
 * service that served it, and to nothing else.
 */
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import type { ConnectionState, DashboardApi } from './api.js';
import { httpQuery } from './http-query.js';
import { createKeyPrompt, type KeyPrompt } from './key-prompt.js';
import { createSubscriptionSocket } from './socket.js';

export function createDashboardApi(): DashboardApi {
  const stateListeners = new Set<(state: ConnectionState) => void>();
  const reconnectListeners = new Set<() => void>();
  let socketState: ConnectionState = 'connecting';
  let asking = 0;

  const current = (): ConnectionState => (asking > 0 ? 'needs-key' : socketState);
  let shown = current();
  const publish = (): void => {
    const next = current();
    if (next === shown) return;
    shown = next;
    for (const listener of [...stateListeners]) listener(next);
  };

  // While the key dialog is open the badge says so, whichever of HTTP or the socket asked.
  const prompt = createKeyPrompt();
  const keys: KeyPrompt = {
    current: () => prompt.current(),
    async ask(reason, sent) {
      // A key given since the refused one was sent is tried first, without the dialog (key-prompt.ts).
      const current = prompt.current();
      if (current !== null && current !== sent) return current;
      asking++;
      publish();
      try {
        return await prompt.ask(reason, sent);
      } finally {
        asking--;
        publish();
      }
    },
  };

  const socket = createSubscriptionSocket(keys, {
    state(state) {
      // needs-key comes from the prompt itself (above); the socket's own state resumes after it.
      if (state !== 'needs-key') socketState = state;
      publish();
    },
    reconnected() {
      for (const listener of [...reconnectListeners]) listener();
    },
  });

  return {
    // The server validates each document against the schema the types were generated from.
    async query<TData>(document: TypedDocumentNode<TData>, variables: Record<string, unknown>): Promise<TData> {
      return (await httpQuery(document, variables, keys)) as TData;
    },
    subscribe<TData>(document: TypedDocumentNode<TData>, variables: Record<string, unknown>, onData: (data: TData) => void): () => void {
      return socket.subscribe(document, variables, (data) => onData(data as TData));
    },
    onState(listener) {
      stateListeners.add(listener);
      listener(shown);
      return () => stateListeners.delete(listener);
    },
    onReconnected(listener) {
      reconnectListeners.add(listener);
      return () => reconnectListeners.delete(listener);
    },
  };
}
