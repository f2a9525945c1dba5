/**
 * Builds the dashboard (a plain-DOM TypeScript app in dashboard/) into dist/dashboard/, which the
 * service serves at `/` (src/server/dashboard-static.ts): index.html plus content-hashed files
 * under assets/, so the server can cache those for a year and never cache index.html. Everything
 * (chart libraries included) is bundled: the page loads nothing from another origin.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  root: here('.'),
  // Served at the origin's root, next to /graphql.
  base: '/',
  publicDir: false,
  build: {
    outDir: here('../dist/dashboard'),
    emptyOutDir: true,
    assetsDir: 'assets',
    target: 'es2022',
    sourcemap: true,
    // Fonts or icons are never inlined as data: URLs into CSS or JS, so the CSP's img-src is all
    // a picture needs; chart libraries are large, and that is expected.
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 1024,
  },
  server: {
    // `npx vite --config dashboard/vite.config.ts` during development: the API is the service.
    proxy: {
      '/graphql': { target: 'http://127.0.0.1:4000', ws: true },
    },
  },
});
