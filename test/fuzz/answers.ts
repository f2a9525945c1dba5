/**
 * What every answer to bad input must look like to a client: never a 5xx, a JSON body that is data
 * or GraphQL errors each carrying `extensions.code`, and no stack trace. Statuses a refusal may
 * carry (400, 401, 403, 405, 406, 413, 415, 429, ...) are all fine, as long as the body says why in
 * a coded error. Each check throws with the request and the answer, so fast-check prints both.
 */
export interface GraphQLAnswerBody {
  data?: unknown;
  errors?: Array<{ message?: unknown; extensions?: { code?: unknown } }>;
}

/** "at fn (file.ts:1:2)" or "at file.js:1:2": a stack frame, which must never reach a client. */
const STACK_FRAME = /\bat [^\s]+ \([^)]*:\d+:\d+\)|\bat \/[^\s]+:\d+:\d+|node:internal|"stack"\s*:/;

export class BadAnswer extends Error {
  override readonly name = 'BadAnswer';
}

function fail(why: string, answer: { status: number; text: string }): never {
  throw new BadAnswer(`${why}: HTTP ${answer.status} ${answer.text.slice(0, 600)}`);
}

/** Every error has a non-empty string code; an answer without data has at least one error. */
export function checkResultBody(body: unknown, answer: { status: number; text: string }): GraphQLAnswerBody {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) fail('the body is not a GraphQL result object', answer);
  const result = body as GraphQLAnswerBody;
  if (result.errors !== undefined) {
    if (!Array.isArray(result.errors) || result.errors.length === 0) fail('errors is not a non-empty list', answer);
    for (const error of result.errors) {
      const code = error.extensions?.code;
      if (typeof code !== 'string' || code === '') fail('an error without extensions.code', answer);
      if (typeof error.message !== 'string') fail('an error without a message', answer);
    }
  } else if (result.data === undefined || result.data === null) {
    fail('neither data nor errors', answer);
  }
  return result;
}

/** A non-streaming HTTP answer (or the list of a batch). */
export function checkHttpAnswer(answer: { status: number; contentType: string | null; text: string }): GraphQLAnswerBody[] {
  if (answer.status >= 500) fail('a 5xx', answer);
  if (STACK_FRAME.test(answer.text)) fail('a stack trace in the answer', answer);
  let body: unknown;
  try {
    body = JSON.parse(answer.text);
  } catch {
    fail(`the body is not JSON (content-type ${answer.contentType ?? 'none'})`, answer);
  }
  const results = Array.isArray(body) ? body : [body];
  if (answer.status >= 400 && !results.some((result) => Array.isArray((result as GraphQLAnswerBody | null)?.errors))) fail('a refusal without errors', answer);
  return results.map((result) => checkResultBody(result, answer));
}

/** The `data:` payloads of the `next` events in a text/event-stream body (as far as it was read). */
export function sseNextPayloads(text: string): string[] {
  const payloads: string[] = [];
  for (const block of text.split(/\r?\n\r?\n/)) {
    const lines = block.split(/\r?\n/);
    const event = lines
      .find((line) => line.startsWith('event:'))
      ?.slice('event:'.length)
      .trim();
    const data = lines
      .filter((line) => line.startsWith('data:'))
      .map((line) => line.slice('data:'.length).trimStart())
      .join('\n');
    if ((event === 'next' || event === undefined) && data !== '') payloads.push(data);
  }
  return payloads;
}
