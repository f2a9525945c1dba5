/**
 * Open WebSockets and SSE streams per key, on this instance (not shared through Redis: a count
 * that outlives a crashed instance would lock its keys out until it expired).
 */
export class ConnectionCounter {
  private readonly open = new Map<string, number>();

  constructor(readonly maxPerKey: number) {}

  /** A release function for the new connection, or null when the key already holds `maxPerKey`. */
  tryOpen(keyId: string): (() => void) | null {
    const held = this.open.get(keyId) ?? 0;
    if (held >= this.maxPerKey) return null;
    this.open.set(keyId, held + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.open.get(keyId) ?? 1) - 1;
      if (left <= 0) this.open.delete(keyId);
      else this.open.set(keyId, left);
    };
  }

  held(keyId: string): number {
    return this.open.get(keyId) ?? 0;
  }
}
