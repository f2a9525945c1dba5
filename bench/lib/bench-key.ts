/** The API key the benches' production-mode services accept (production starts only with keys). */
import { createHash } from 'node:crypto';

export const BENCH_API_KEY = 'northstar-bench-key-0123456789abcdefghijklmnopqrstuvwxyz';
export const BENCH_API_KEY_ENTRY = `bench:admin:${createHash('sha256').update(BENCH_API_KEY).digest('hex')}`;
