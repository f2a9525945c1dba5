/**
 * One GraphQL-over-SSE request (GET or POST with Accept: text/event-stream), its stream read for a
 * bounded time: until the first `next` event or `complete`, or `readMs` passed (a subscription to a
 * market that does not move says nothing), then the request is aborted.
 */
import { checkHttpAnswer, checkResultBody, sseNextPayloads } from './answers.js';
import type { FuzzRequest } from './schema-arbitraries.js';

export async function checkSseAnswer(
  url: string,
  request: FuzzRequest,
  options: { method: 'GET' | 'POST'; headers?: Record<string, string>; readMs?: number },
): Promise<void> {
  const abort = new AbortController();
  const deadline = setTimeout(() => abort.abort(), 15_000);
  try {
    const headers: Record<string, string> = { accept: 'text/event-stream', ...options.headers };
    let target = url;
    let body: string | undefined;
    if (options.method === 'GET') {
      const search = new URLSearchParams({ query: request.query });
      if (request.variables !== undefined) search.set('variables', JSON.stringify(request.variables));
      if (request.operationName !== undefined) search.set('operationName', request.operationName);
      target = `${url}?${search.toString()}`.slice(0, 8000);
    } else {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(request);
    }
    const response = await fetch(target, { method: options.method, headers, ...(body === undefined ? {} : { body }), signal: abort.signal });
    const contentType = response.headers.get('content-type');
    if (!contentType?.includes('text/event-stream')) {
      // A refusal before the stream (400, 401, 405, 413, 429 ...): a plain coded answer.
      checkHttpAnswer({ status: response.status, contentType, text: await response.text() });
      return;
    }
    if (response.status >= 500) throw new Error(`SSE answered ${response.status}`);
    const text = await readBounded(response, options.readMs ?? 400);
    for (const payload of sseNextPayloads(text)) checkResultBody(JSON.parse(payload), { status: response.status, text: payload });
  } finally {
    clearTimeout(deadline);
    abort.abort();
  }
}

async function readBounded(response: Response, readMs: number): Promise<string> {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  const timeUp = new Promise<'time'>((resolve) => setTimeout(() => resolve('time'), readMs));
  try {
    for (;;) {
      const chunk = await Promise.race([reader.read(), timeUp]);
      if (chunk === 'time' || chunk.done) break;
      text += decoder.decode(chunk.value, { stream: true });
      // Whole events only: stop after the first complete `next` or at `complete`.
      if (/event: complete/.test(text) || /event: next\r?\ndata: [^\n]*\r?\n\r?\n/.test(text)) break;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return text.slice(0, text.lastIndexOf('\n\n') + 2);
}
