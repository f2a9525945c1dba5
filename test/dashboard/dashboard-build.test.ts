// Whether dist/dashboard is stale decides if `npm start` and `npm test` rebuild it: the README's
// screenshot, rewritten inside dashboard/ after a build, must not count as a changed source.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const script = new URL('../../scripts/dashboard-build.mjs', import.meta.url).href;
const roots: string[] = [];

/** The script's own answer for a checkout at root, asked as ensure-built.mjs asks it (a plain ES module). */
function staleness(root: string): string | null {
  const code = `import { dashboardStaleness } from ${JSON.stringify(script)}; console.log(JSON.stringify(dashboardStaleness(${JSON.stringify(root)})));`;
  return JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', code], { encoding: 'utf8' })) as string | null;
}

/** A checkout whose dist/dashboard was built after its sources. */
function builtCheckout(): string {
  const root = mkdtempSync(join(tmpdir(), 'dashboard-build-'));
  roots.push(root);
  mkdirSync(join(root, 'dashboard/src'), { recursive: true });
  mkdirSync(join(root, 'dist/dashboard'), { recursive: true });
  writeFileSync(join(root, 'dashboard/src/main.ts'), 'export {};\n');
  writeFileSync(join(root, 'dashboard/screenshot.png'), 'png');
  const before = new Date(Date.now() - 60_000);
  for (const path of ['dashboard/src/main.ts', 'dashboard/screenshot.png', 'dashboard/src', 'dashboard']) utimesSync(join(root, path), before, before);
  writeFileSync(join(root, 'dist/dashboard/index.html'), '<!doctype html>');
  return root;
}

afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

describe('dashboard build staleness', () => {
  it('is current after a build', () => {
    expect(staleness(builtCheckout())).toBeNull();
  });

  it('stays current when only the screenshot is rewritten', () => {
    const root = builtCheckout();
    const later = new Date(Date.now() + 60_000);
    utimesSync(join(root, 'dashboard/screenshot.png'), later, later);
    expect(staleness(root)).toBeNull();
  });

  it('is stale when a source changes', () => {
    const root = builtCheckout();
    const later = new Date(Date.now() + 60_000);
    utimesSync(join(root, 'dashboard/src/main.ts'), later, later);
    expect(staleness(root)).toMatch(/changed/);
  });
});
