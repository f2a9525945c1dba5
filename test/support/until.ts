/** Polls `check` every 50 ms until it returns a value (not null), for at most `timeoutMs`. */
export async function until<T>(what: string, timeoutMs: number, check: () => Promise<T | null> | T | null): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
