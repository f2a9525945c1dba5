/**
 * An async iterator that calls `release` once when the stream ends for any reason: the client
 * unsubscribed or disconnected (`return()`), the stream failed (`throw()`), or it ran out (`done`).
 * A subscription that holds something while it lives (an order book followed over the WebSocket)
 * lets go of it here. `return()` is passed through at once, not queued behind a pending `next()`
 * (as an async generator's `finally` would be), so a quiet stream releases on unsubscribe, not at
 * its next event.
 */
export function withRelease<T>(source: AsyncIterable<T>, release: () => void): AsyncIterableIterator<T> {
  const iterator = source[Symbol.asyncIterator]();
  let released = false;
  const releaseOnce = (): void => {
    if (released) return;
    released = true;
    release();
  };
  const wrapped: AsyncIterableIterator<T> = {
    [Symbol.asyncIterator]: () => wrapped,
    next: () =>
      iterator.next().then(
        (result) => {
          if (result.done) releaseOnce();
          return result;
        },
        (error: unknown) => {
          releaseOnce();
          throw error;
        },
      ),
    return: (value?: unknown) => {
      releaseOnce();
      return iterator.return ? iterator.return(value) : Promise.resolve({ done: true as const, value: undefined });
    },
    throw: (error?: unknown) => {
      releaseOnce();
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the error given to throw() is passed on as is
      return iterator.throw ? iterator.throw(error) : Promise.reject(error);
    },
  };
  return wrapped;
}
