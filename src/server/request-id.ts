/**
 * Request ids: taken from `x-request-id` when the caller sends a sane one, generated otherwise,
 * echoed on the response and put on every log line of the request.
 */
import { randomUUID } from 'node:crypto';

export const REQUEST_ID_HEADER = 'x-request-id';
const ACCEPTABLE = /^[A-Za-z0-9._:-]{1,128}$/;

export function requestIdFrom(headerValue: string | string[] | null | undefined): string {
  const value = Array.isArray(headerValue) ? headerValue[0] : headerValue;
  return value && ACCEPTABLE.test(value) ? value : randomUUID();
}
