/**
 * What every panel needs from the server, and nothing more: typed queries over fetch, typed
 * subscriptions over graphql-ws, the connection's state, and a signal after a reconnect so a panel
 * can re-read what it missed. The panels depend on this interface only; `client.ts` implements it
 * (API key prompt, persisted ids, reconnects), so a panel never sees a key, a socket or a URL.
 */
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';

/**
 * connecting: first connection in progress; live: the socket is up; reconnecting: it dropped and
 * is being re-opened (the page says so); needs-key: the server refused the key (or wants one) and
 * the key prompt is showing.
 */
export type ConnectionState = 'connecting' | 'live' | 'reconnecting' | 'needs-key';

export interface DashboardApi {
  /** One query; rejects with an Error whose message is the GraphQL error's (and `code` its code). */
  query<TData, TVariables extends Record<string, unknown>>(document: TypedDocumentNode<TData, TVariables>, variables: TVariables): Promise<TData>;
  /**
   * A subscription that lives across reconnects (re-subscribed each time the socket comes back).
   * Returns the function that ends it.
   */
  subscribe<TData, TVariables extends Record<string, unknown>>(
    document: TypedDocumentNode<TData, TVariables>,
    variables: TVariables,
    onData: (data: TData) => void,
  ): () => void;
  /** Called now with the current state and on every change; returns the function that stops it. */
  onState(listener: (state: ConnectionState) => void): () => void;
  /** Called after each reconnect (not the first connect): re-read what may have been missed. */
  onReconnected(listener: () => void): () => void;
}

/** An error the server answered, with its GraphQL code (extensions.code) when it had one. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}
