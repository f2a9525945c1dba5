/**
 * Queries over fetch POST /graphql (same origin). Sends the persisted id first and the registered
 * document only if the server does not know the id; asks for the key on 401 (or 403 for want of
 * scope) and sends the request again with it; waits and retries while the server is unreachable,
 * restarting or rate-limiting, so a panel's read after a reconnect does not fail for a blip.
 * GraphQL errors in the answer reject with an ApiError carrying the error's code.
 */
import type { DocumentNode } from 'graphql';
import { ApiError } from './api.js';
import { backoffMs, sleep } from './backoff.js';
import type { KeyPrompt } from './key-prompt.js';
import { isPersistedNotFound, operationRequest, type OperationRequest } from './persisted.js';

export const GRAPHQL_PATH = '/graphql';

interface GraphQLResponse {
  data?: unknown;
  errors?: { message?: unknown; extensions?: { code?: unknown } }[];
}

/** HTTP statuses that mean "not now" rather than "no". */
const RETRY_STATUSES = new Set([429, 502, 503, 504]);

const authorization = (key: string | null): Record<string, string> => (key ? { authorization: `Bearer ${key}` } : {});

async function post(request: OperationRequest, key: string | null): Promise<Response> {
  return fetch(GRAPHQL_PATH, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json, application/json',
      ...authorization(key),
    },
    body: JSON.stringify(request),
    credentials: 'same-origin',
  });
}

async function readBody(response: Response): Promise<GraphQLResponse | null> {
  try {
    return (await response.json()) as GraphQLResponse;
  } catch {
    return null;
  }
}

function retryAfterMs(response: Response, attempt: number): number {
  const seconds = Number(response.headers.get('retry-after'));
  return Number.isFinite(seconds) && seconds > 0 ? Math.min(seconds * 1000, 30_000) : backoffMs(attempt);
}

/**
 * Until the server has answered one request with something other than 401, requests go one at a
 * time: a page without a key learns it needs one from one refused request, not from one per
 * panel (each of which the browser would log). `probe` is the request in flight meanwhile; it
 * resolves with its HTTP status (0: no answer).
 */
let admitted = false;
let probe: { status: Promise<number>; key: string | null } | null = null;

async function admittedPost(request: OperationRequest, key: string | null): Promise<Response> {
  if (admitted) return post(request, key);
  let settle!: (status: number) => void;
  probe = { status: new Promise<number>((resolve) => (settle = resolve)), key };
  let status = 0;
  try {
    const response = await post(request, key);
    status = response.status;
    if (status !== 401) admitted = true;
    return response;
  } finally {
    probe = null;
    settle(status);
  }
}

/** Operations whose id the server said it lacks: sent with their document from then on. */
const unknownIds = new Set<string>();

export async function httpQuery(document: DocumentNode, variables: Record<string, unknown>, keys: KeyPrompt): Promise<unknown> {
  for (let attempt = 0; ; attempt++) {
    const request = operationRequest(document, variables, false);
    const withDocument = unknownIds.has(request.operationName);
    const sent = withDocument ? operationRequest(document, variables, true) : request;
    if (!admitted && probe) {
      // Another request is finding out whether a key is needed: wait for its answer (and the key).
      const { status, key } = probe;
      if ((await status) === 401) await keys.ask(key ? 'refused' : 'missing', key);
      continue;
    }
    // The key this request carries: a refusal of it asks for a new one only if none came since.
    const key = keys.current();
    let response: Response;
    try {
      response = await admittedPost(sent, key);
    } catch {
      // Unreachable (restarting, network gone): try again, later each time.
      await sleep(backoffMs(attempt));
      continue;
    }
    if (response.status === 401) {
      await keys.ask(key ? 'refused' : 'missing', key);
      continue;
    }
    if (RETRY_STATUSES.has(response.status)) {
      await sleep(retryAfterMs(response, attempt));
      continue;
    }
    const body = await readBody(response);
    const errors = body?.errors ?? [];
    if (!withDocument && errors.some(isPersistedNotFound)) {
      unknownIds.add(request.operationName);
      continue;
    }
    const first = errors[0];
    const code = typeof first?.extensions?.code === 'string' ? first.extensions.code : undefined;
    if (response.status === 403 && code === 'FORBIDDEN') {
      await keys.ask('forbidden', key);
      continue;
    }
    if (first) throw new ApiError(typeof first.message === 'string' ? first.message : 'the server answered an error', code);
    if (!response.ok || body?.data == null) throw new ApiError(`the server answered HTTP ${response.status}`, undefined);
    return body.data;
  }
}
