/**
 * The dashboard at `/`: the static files Vite builds into dist/dashboard/ (`npm run build`, which
 * `npm install` runs). index.html is revalidated on every load (`no-cache`, with an ETag) so a new
 * build shows at once; the files under assets/ have content hashes in their names, so they are
 * cached for a year and never revalidated. Every answer carries the page's CSP: it loads only
 * from this origin and talks only to it (fetch to /graphql, graphql-ws on ws:/wss:).
 * Text files go gzipped to clients that accept it. Each file is read, hashed and compressed once
 * per build (its mtime and size), then kept.
 * GET and HEAD only. Before the dashboard is built, `/` answers 503 with a page saying how to
 * build it (GraphQL at /graphql works regardless).
 */
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { gzipSync } from 'node:zlib';

export const DASHBOARD_CSP = "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'";
export const ASSET_CACHE = 'public, max-age=31536000, immutable';
export const INDEX_CACHE = 'no-cache';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

const SECURITY_HEADERS = {
  'content-security-policy': DASHBOARD_CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
} as const;

const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Northstar: dashboard not built</title></head>
<body style="font: 16px/1.5 system-ui, sans-serif; max-width: 40em; margin: 4em auto; padding: 0 1em">
<h1>The dashboard is not built</h1>
<p>This service serves its dashboard from <code>dist/dashboard/</code>, which is missing. Build it with
<code>npm run build</code> (<code>npm install</code> and <code>npm start</code> do this by themselves).</p>
<p>The GraphQL API works regardless: <a href="/graphql">/graphql</a>.</p>
</body></html>
`;

/** Below this a gzip header costs about what it saves. */
const GZIP_MIN_BYTES = 1024;
const isText = (contentType: string): boolean => /^(text\/|application\/json|image\/svg)/.test(contentType);
const acceptsGzip = (req: IncomingMessage): boolean => /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));

export interface DashboardStatic {
  /** Whether `path` (no query string) is the dashboard's: `/`, `/index.html` and `/assets/…`. */
  owns(path: string): boolean;
  serve(req: IncomingMessage, res: ServerResponse, path: string): Promise<void>;
}

function send(res: ServerResponse, req: IncomingMessage, status: number, headers: Record<string, string>, body: Buffer | string): void {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  res.writeHead(status, { ...SECURITY_HEADERS, ...headers, 'content-length': String(bytes.length) });
  res.end(req.method === 'HEAD' ? undefined : bytes);
}

/** The file under `root` a request path names, or null when it would leave `root` or is not a plain name. */
function fileFor(root: string, path: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.split('/').some((part) => part === '..' || part.startsWith('.'))) return null;
  const file = normalize(join(root, decoded === '/' ? 'index.html' : decoded));
  return file.startsWith(root + sep) ? file : null;
}

export function dashboardStatic(root: string): DashboardStatic {
  // resolve(): absolute and without a trailing slash, so the containment check below holds.
  const base = resolve(root);
  /**
   * file → its bytes, ETag and (made on first demand) gzip, for the version of the file whose
   * mtime and size they were read at: a page load reads, hashes and compresses each file once per
   * build, not once per request. A rebuild swaps the folder in (new mtimes), so the next request
   * reads the new file.
   */
  const kept = new Map<string, { version: string; body: Buffer; etag: string; gzip?: Buffer }>();
  const contentOf = async (file: string, info: { mtimeMs: number; size: number }) => {
    const version = `${info.mtimeMs}:${info.size}`;
    const known = kept.get(file);
    if (known?.version === version) return known;
    const body = await readFile(file);
    const entry = { version, body, etag: `"${createHash('sha1').update(body).digest('base64url')}"` };
    kept.set(file, entry);
    return entry;
  };
  const gzipOf = (entry: { body: Buffer; gzip?: Buffer }): Buffer => (entry.gzip ??= gzipSync(entry.body));
  return {
    owns: (path) => path === '/' || path === '/index.html' || path.startsWith('/assets/'),
    async serve(req, res, path) {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        send(res, req, 405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' }, 'Method not allowed: the dashboard answers GET and HEAD\n');
        return;
      }
      const isAsset = path.startsWith('/assets/');
      const file = fileFor(base, path);
      const info = file ? await stat(file).catch(() => null) : null;
      if (!file || !info?.isFile()) {
        if (!isAsset) {
          send(res, req, 503, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'retry-after': '30' }, NOT_BUILT_PAGE);
          return;
        }
        send(res, req, 404, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' }, 'Not found\n');
        return;
      }
      const content = await contentOf(file, info);
      const { body, etag } = content;
      const headers: Record<string, string> = {
        'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
        'cache-control': isAsset ? ASSET_CACHE : INDEX_CACHE,
        etag,
        'last-modified': info.mtime.toUTCString(),
      };
      if (req.headers['if-none-match'] === etag) {
        res.writeHead(304, { ...SECURITY_HEADERS, 'cache-control': headers['cache-control']!, etag });
        res.end();
        return;
      }
      if (isText(headers['content-type']!) && body.length >= GZIP_MIN_BYTES) {
        headers.vary = 'accept-encoding';
        if (acceptsGzip(req)) {
          send(res, req, 200, { ...headers, 'content-encoding': 'gzip' }, gzipOf(content));
          return;
        }
      }
      send(res, req, 200, headers, body);
    },
  };
}
