/** withRelease: a subscription lets go of what it holds the moment it ends, however it ends. */
import { describe, expect, it } from 'vitest';
import { createPubSub } from 'graphql-yoga';
import { withRelease } from '../../src/schema/with-release.js';

describe('withRelease', () => {
  it('return() releases at once, even while a next() waits on a quiet stream', async () => {
    const pubsub = createPubSub<{ books: [number] }>();
    let released = 0;
    const stream = withRelease(pubsub.subscribe('books'), () => (released += 1));
    const pending = stream.next();
    await stream.return?.();
    expect(released).toBe(1);
    await expect(pending).resolves.toMatchObject({ done: true });
    await stream.return?.();
    expect(released).toBe(1);
  });

  it('releases once when the source runs out or fails, and passes values through', async () => {
    async function* two() {
      yield await Promise.resolve(1);
      yield 2;
    }
    let released = 0;
    const stream = withRelease(two(), () => (released += 1));
    expect(await stream.next()).toEqual({ done: false, value: 1 });
    expect(await stream.next()).toEqual({ done: false, value: 2 });
    expect(released).toBe(0);
    expect(await stream.next()).toMatchObject({ done: true });
    expect(released).toBe(1);

    // A source whose next value is a failure.
    const failing: AsyncIterable<number> = { [Symbol.asyncIterator]: () => ({ next: () => Promise.reject(new Error('source failed')) }) };
    let releasedOnFailure = 0;
    const broken = withRelease(failing, () => (releasedOnFailure += 1));
    await expect(broken.next()).rejects.toThrow('source failed');
    expect(releasedOnFailure).toBe(1);
  });
});
