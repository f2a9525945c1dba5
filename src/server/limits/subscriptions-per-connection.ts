/**
 * MAX_SUBSCRIPTIONS_PER_CONNECTION: one graphql-ws socket holds at most this many operations at
 * once. The extra `subscribe` is answered with an `error` message (TOO_MANY_SUBSCRIPTIONS); the
 * socket and the operations it already holds carry on, and a slot frees once one completes.
 */
import { GraphQLError } from 'graphql';
import { LimitErrorCode } from './limit-errors.js';

/**
 * `active` counts the operations graphql-ws holds for the socket, the one being subscribed
 * included (graphql-ws registers its id before calling onSubscribe).
 */
export function subscriptionRefusal(active: number, max: number): GraphQLError | null {
  if (active <= max) return null;
  return new GraphQLError(`Too many operations on this connection: at most ${max} at once (MAX_SUBSCRIPTIONS_PER_CONNECTION); complete one first`, {
    extensions: { code: LimitErrorCode.TOO_MANY_SUBSCRIPTIONS, max },
  });
}
