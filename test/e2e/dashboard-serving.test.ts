/**
 * The dashboard as a browser fetches it, over real HTTP from the whole service: `/` is the built
 * index.html (never cached, with the page's CSP), the files it references are same-origin hashed
 * assets cached for a year with their content types, HEAD and conditional GETs work, other
 * methods and unknown paths are refused plainly, nothing outside dist/dashboard is reachable, and
 * a service whose dashboard is not built says so on `/` while GraphQL works on.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ASSET_CACHE, DASHBOARD_CSP, INDEX_CACHE } from '../../src/server/dashboard-static.js';
import { startService, type RunningService } from '../support/service.js';

const BUILT = new URL('../../dist/dashboard/', import.meta.url).pathname;

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** One request as written (no client-side path normalising or decompression). */
function raw(origin: string, method: string, path: string, headers: Record<string, string> = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const { hostname, port } = new URL(origin);
    const req = request({ hostname, port, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** Every src= and href= in the page. */
const references = (html: string): string[] => [...html.matchAll(/\b(?:src|href)="([^"]*)"/g)].map((m) => m[1]!);

describe('the dashboard served at /', () => {
  let service: RunningService;
  let origin: string;
  let html: string;

  beforeAll(async () => {
    if (!existsSync(join(BUILT, 'index.html'))) throw new Error('dist/dashboard/ is not built: npm run build (npm test builds it first)');
    service = await startService();
    origin = new URL(service.url).origin;
  });
  afterAll(async () => {
    await service?.stop();
  });

  it('GET / is the built index.html: HTML, never cached, with the CSP and the panels', async () => {
    const response = await raw(origin, 'GET', '/');
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(response.headers['cache-control']).toBe(INDEX_CACHE);
    expect(response.headers['content-security-policy']).toBe(DASHBOARD_CSP);
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers.etag).toMatch(/^".+"$/);
    html = response.body.toString('utf8');
    expect(html).toBe(await readFile(join(BUILT, 'index.html'), 'utf8'));
    for (const id of ['connection', 'markets', 'market-detail', 'pnl', 'sources', 'insights']) expect(html).toContain(`id="${id}"`);
    expect((await raw(origin, 'GET', '/index.html')).body.toString('utf8')).toBe(html);
  });

  it('references only same-origin files, each a hashed asset served with its type and a year of caching', async () => {
    const refs = references(html);
    const assets = refs.filter((ref) => !ref.startsWith('data:'));
    expect(assets.length).toBeGreaterThanOrEqual(2);
    for (const ref of refs) {
      // Root-relative (not protocol-relative, not absolute), or an inline data: URL.
      expect({ ref, sameOrigin: /^\/(?!\/)/.test(ref) || ref.startsWith('data:') }).toEqual({ ref, sameOrigin: true });
    }
    const types: Record<string, string> = { '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8' };
    const seen = new Set<string>();
    for (const ref of assets) {
      expect(ref).toMatch(/^\/assets\/[\w.-]+-[\w-]{8,}\.(js|css)$/);
      const extension = ref.slice(ref.lastIndexOf('.'));
      seen.add(extension);
      const response = await raw(origin, 'GET', ref);
      expect({ ref, status: response.status }).toEqual({ ref, status: 200 });
      expect(response.headers['content-type']).toBe(types[extension]);
      expect(response.headers['cache-control']).toBe(ASSET_CACHE);
      expect(response.headers['content-security-policy']).toBe(DASHBOARD_CSP);
      expect(response.body.equals(await readFile(join(BUILT, ref)))).toBe(true);
    }
    expect([...seen].sort()).toEqual(['.css', '.js']);
    // Nothing in the built files names another origin to load from (a CDN, web fonts).
    for (const file of await readdir(join(BUILT, 'assets'))) {
      if (!file.endsWith('.css')) continue;
      expect(await readFile(join(BUILT, 'assets', file), 'utf8')).not.toMatch(/url\(\s*['"]?(https?:)?\/\//);
    }
  });

  it('sends text gzipped to a client that accepts it, the same bytes once unzipped', async () => {
    const script = references(html).find((ref) => ref.endsWith('.js'))!;
    const plain = await raw(origin, 'GET', script);
    const zipped = await raw(origin, 'GET', script, { 'accept-encoding': 'gzip, br' });
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(zipped.headers.vary).toBe('accept-encoding');
    expect(zipped.body.length).toBeLessThan(plain.body.length);
    expect(gunzipSync(zipped.body).equals(plain.body)).toBe(true);
    expect(plain.headers['content-encoding']).toBeUndefined();
  });

  it('answers HEAD with the headers and no body, and a matching If-None-Match with 304', async () => {
    const get = await raw(origin, 'GET', '/');
    const head = await raw(origin, 'HEAD', '/');
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
    expect(head.headers['content-length']).toBe(get.headers['content-length']);
    expect(head.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(head.headers.etag).toBe(get.headers.etag);
    const again = await raw(origin, 'GET', '/', { 'if-none-match': String(get.headers.etag) });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
    expect(again.headers['cache-control']).toBe(INDEX_CACHE);
  });

  it('refuses other methods with 405 and Allow, and unknown files with 404', async () => {
    for (const method of ['POST', 'PUT', 'DELETE']) {
      const response = await raw(origin, method, '/');
      expect({ method, status: response.status, allow: response.headers.allow }).toEqual({ method, status: 405, allow: 'GET, HEAD' });
    }
    const missing = await raw(origin, 'GET', '/assets/no-such-file-abcdef12.js');
    expect(missing.status).toBe(404);
    expect(missing.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect((await raw(origin, 'GET', '/no-such-page')).status).toBe(404);
  });

  it('serves nothing outside dist/dashboard, however the path is spelled', async () => {
    for (const path of [
      '/assets/../../../package.json',
      '/assets/%2e%2e/%2e%2e/%2e%2e/package.json',
      '/assets/..%2f..%2f..%2fpackage.json',
      '/assets/.hidden',
      '/assets/%00',
    ]) {
      const response = await raw(origin, 'GET', path);
      expect({ path, status: response.status }).toEqual({ path, status: 404 });
      expect(response.body.toString('utf8')).not.toContain('"name": "northstar"');
    }
  });

  it('leaves /graphql to GraphQL', async () => {
    const response = await fetch(service.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ sources { source } }' }),
    });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { data: { sources: unknown[] } }).data.sources).toHaveLength(3);
  });
});

describe('a service whose dashboard is not built', () => {
  let service: RunningService;
  let origin: string;
  let empty: string;

  beforeAll(async () => {
    empty = await mkdtemp(join(tmpdir(), 'northstar-no-dashboard-'));
    service = await startService({}, { dashboardDir: empty });
    origin = new URL(service.url).origin;
  });
  afterAll(async () => {
    await service?.stop();
    await rm(empty, { recursive: true, force: true });
  });

  it('answers / with a 503 page that says how to build it and links to /graphql', async () => {
    const response = await raw(origin, 'GET', '/');
    expect(response.status).toBe(503);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(response.headers['cache-control']).toBe('no-store');
    const page = response.body.toString('utf8');
    expect(page).toContain('npm run build');
    expect(page).toContain('href="/graphql"');
    expect((await raw(origin, 'GET', '/assets/index-abcdef12.js')).status).toBe(404);
    const graphql = await fetch(service.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}' });
    expect(graphql.status).toBe(200);
  });
});

describe('a dashboard rebuilt while the service runs', () => {
  let service: RunningService;
  let origin: string;
  let folder: string;

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'northstar-dashboard-rebuilt-'));
    await writeFile(join(folder, 'index.html'), '<!doctype html><title>build one</title>');
    service = await startService({}, { dashboardDir: folder });
    origin = new URL(service.url).origin;
  });
  afterAll(async () => {
    await service?.stop();
    await rm(folder, { recursive: true, force: true });
  });

  it('serves the new index.html at once, with a new ETag (files are kept per build, not for ever)', async () => {
    const first = await raw(origin, 'GET', '/');
    expect(first.body.toString('utf8')).toContain('build one');
    expect((await raw(origin, 'GET', '/')).headers.etag).toBe(first.headers.etag);
    // A rebuild swaps a new folder in by rename: the file at the same path is another file.
    const next = `${folder}.next`;
    await mkdir(next);
    await writeFile(join(next, 'index.html'), '<!doctype html><title>build two, a longer page</title>');
    await rm(folder, { recursive: true });
    await rename(next, folder);
    const second = await raw(origin, 'GET', '/');
    expect(second.body.toString('utf8')).toContain('build two');
    expect(second.headers.etag).not.toBe(first.headers.etag);
  });
});
