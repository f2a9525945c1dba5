/**
 * The JSON of a shared subscription result, made once and reused by every subscriber and transport
 * that sends it. useSharedSubscriptionResults hands one result object to all subscribers of the same
 * selection; this makes "executed once" also "serialized once":
 *
 * - SSE: yoga's SSE processor prints a result with `result.stringify(result)` when the result has
 *   one (the hook graphql-jit uses). Shared results get a non-enumerable `stringify` that returns
 *   the cached text.
 * - graphql-ws: it stringifies `{id, type, payload}` itself. `onNext` swaps the payload for a
 *   placeholder token, and the socket adapter (graphql-ws.ts) splices the cached UTF-8 bytes in
 *   where the token stands, so per subscriber only the short envelope is written.
 *
 * Only results without errors and without `extensions.http` are shared: yoga prints those exactly
 * as JSON.stringify does, and results with errors are masked (copied) per subscriber anyway.
 */
import { randomBytes } from 'node:crypto';
import type { ExecutionResult } from 'graphql';
import type { Counter } from 'prom-client';

export type ResultTransport = 'ws' | 'sse';

interface SharedJson {
  text?: string;
  bytes?: Buffer;
}

/** What graphql-ws stringifies in place of a shared payload: its text is a token. */
class PayloadPlaceholder {
  constructor(readonly token: string) {}
  toJSON(): string {
    return this.token;
  }
}

/** A `next` message whose payload is a placeholder ends with `"payload":"<token>"}`. */
const PAYLOAD_KEY = '"payload":';
const CLOSING_BRACE = Buffer.from('}');

export class SharedResultJson {
  private readonly shared = new WeakMap<object, SharedJson>();
  /** Tokens are unguessable per process, so no client-chosen text can pose as one. */
  private readonly tokenPrefix = `ns-shared:${randomBytes(6).toString('hex')}:`;
  private nextToken = 0;

  constructor(private readonly serializations?: Counter<'transport' | 'outcome'>) {}

  /** Marks a result that several subscribers will send; a result that cannot be shared is left alone. */
  share(result: ExecutionResult): void {
    if (result.errors?.length || (result.extensions as { http?: unknown } | undefined)?.http || this.shared.has(result)) return;
    const entry: SharedJson = {};
    this.shared.set(result, entry);
    Object.defineProperty(result, 'stringify', {
      // yoga passes a sanitized copy when it had to change the result; print that one as usual.
      value: (value: unknown) => (value === result ? this.textOf(result, entry, 'sse') : JSON.stringify(value)),
      enumerable: false,
    });
  }

  /** The shared result's JSON text, made on first use. */
  private textOf(result: ExecutionResult, entry: SharedJson, transport: ResultTransport): string {
    if (entry.text === undefined) {
      entry.text = JSON.stringify(result);
      this.serializations?.inc({ transport, outcome: 'serialized' });
    } else {
      this.serializations?.inc({ transport, outcome: 'reused' });
    }
    return entry.text;
  }

  /**
   * For graphql-ws `onNext`: a stand-in payload for a shared result, registered in the socket's
   * `pending` map, or undefined to let graphql-ws print the result itself.
   */
  placeholder(result: ExecutionResult, pending: Map<string, Buffer>): PayloadPlaceholder | undefined {
    const entry = this.shared.get(result);
    if (!entry) return undefined;
    const text = this.textOf(result, entry, 'ws');
    entry.bytes ??= Buffer.from(text);
    const token = `${this.tokenPrefix}${this.nextToken++}`;
    pending.set(token, entry.bytes);
    return new PayloadPlaceholder(token);
  }

  /**
   * The frame to write for a message graphql-ws stringified: the message itself, or, when it carries
   * a placeholder registered in `pending`, the message with the shared bytes in its place.
   */
  static frame(message: string, pending: Map<string, Buffer>): string | Buffer {
    if (pending.size === 0 || !message.endsWith('"}')) return message;
    const at = message.lastIndexOf(`${PAYLOAD_KEY}"`);
    if (at < 0) return message;
    const token = message.slice(at + PAYLOAD_KEY.length + 1, -2);
    const bytes = pending.get(token);
    if (!bytes) return message;
    pending.delete(token);
    return Buffer.concat([Buffer.from(message.slice(0, at + PAYLOAD_KEY.length)), bytes, CLOSING_BRACE]);
  }
}
