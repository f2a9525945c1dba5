/**
 * Bounds on what an upstream may send before any of it is parsed: a body size (read with a cap,
 * so a 10 MB answer is cut off instead of buffered) and a nesting depth (JSON.parse reads 100,000
 * levels, but JSON.stringify, structuredClone and every recursive walk after it run out of stack).
 * Both are far above what the documented payloads hold, and a payload over either is bad data.
 */
import type { IncomingHttpHeaders } from 'node:http';

/**
 * The largest upstream HTTP body read, in bytes (8 MiB). The largest documented answers: a Kalshi
 * /markets page of 1,000 markets (about 2 MB) and a candlestick batch of 10,000 candles (about 6 MB).
 */
export const MAX_UPSTREAM_BODY_BYTES = 8 * 1024 * 1024;

/** The deepest JSON nesting accepted (objects and arrays); the documented payloads go about 5 deep. */
export const MAX_UPSTREAM_JSON_DEPTH = 64;

export class UpstreamBodyTooLargeError extends Error {
  override readonly name = 'UpstreamBodyTooLargeError';
  constructor(readonly limitBytes: number) {
    super(`the body is larger than ${limitBytes} bytes`);
  }
}

/** Reads a response body as UTF-8 text, giving up (and destroying the stream) once it passes `maxBytes`. */
export async function readBoundedText(
  body: AsyncIterable<Buffer | Uint8Array> & { destroy(error?: Error): unknown },
  headers: IncomingHttpHeaders,
  maxBytes: number = MAX_UPSTREAM_BODY_BYTES,
): Promise<string> {
  const declared = Number(headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    body.destroy();
    throw new UpstreamBodyTooLargeError(maxBytes);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > maxBytes) {
      body.destroy();
      throw new UpstreamBodyTooLargeError(maxBytes);
    }
    chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Whether the JSON text nests objects and arrays deeper than `maxDepth` (brackets inside strings do not count). One pass, no parse. */
export function jsonNestsDeeperThan(text: string, maxDepth: number = MAX_UPSTREAM_JSON_DEPTH): boolean {
  let depth = 0;
  let inString = false;
  for (let at = 0; at < text.length; at++) {
    const char = text.charCodeAt(at);
    if (inString) {
      if (char === 0x5c)
        at++; // a backslash escapes the next character
      else if (char === 0x22) inString = false;
    } else if (char === 0x22) {
      inString = true;
    } else if (char === 0x7b || char === 0x5b) {
      if (++depth > maxDepth) return true;
    } else if (char === 0x7d || char === 0x5d) {
      depth--;
    }
  }
  return false;
}
