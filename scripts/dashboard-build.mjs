// The dashboard's build (`npm run build:dashboard` runs this file with --build), and whether
// dist/dashboard/ is older than what it is built from: shared by `npm start` (ensure-built.mjs) and
// `npm test` (test-setup.mjs), so neither serves or tests a dashboard older than its sources.
// Vite builds into dist/dashboard.next/, which then replaces dist/dashboard/ by two renames: a
// running service never sees a half-written or missing folder (it would answer 503 meanwhile).
// Only built-in modules: test-setup runs before anything else is known to work.
import { execSync } from 'node:child_process';
import { existsSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const checkout = new URL('..', import.meta.url).pathname;
const outDir = join(checkout, 'dist/dashboard');

// What lives in dashboard/ but is not built from: the README's screenshot (rewritten by
// scripts/screenshot-dashboard.ts after every build) must not make the build look stale.
const notSource = /\.(png|jpe?g|gif|webp|md)$/i;

function newestMtime(path) {
  const info = statSync(path);
  if (!info.isDirectory()) return notSource.test(path) ? 0 : info.mtimeMs;
  let newest = info.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

/** null when dist/dashboard is current, else why it is not (root: the checkout, a parameter for tests). */
export function dashboardStaleness(root = checkout) {
  const builtIndex = join(root, 'dist/dashboard/index.html');
  if (!existsSync(builtIndex)) return 'dist/dashboard is missing';
  const built = statSync(builtIndex).mtimeMs;
  // The sources, the Vite config inside dashboard/, and the locked versions of what is bundled.
  const inputs = [join(root, 'dashboard'), join(root, 'package-lock.json')].filter((path) => existsSync(path));
  return inputs.some((path) => newestMtime(path) > built) ? 'dashboard/ changed since dist/dashboard was built' : null;
}

/** Vite is a devDependency: a production-only install has none (and ships a built dist/ instead). */
function canBuildDashboard() {
  try {
    createRequire(import.meta.url).resolve('vite');
    return true;
  } catch {
    return false;
  }
}

/** Builds the dashboard into dist/dashboard/, swapping the new build in whole. */
export function buildDashboard() {
  const next = `${outDir}.next`;
  const old = `${outDir}.old`;
  rmSync(next, { recursive: true, force: true });
  execSync(`npx vite build --config dashboard/vite.config.ts --outDir ${JSON.stringify(next)} --emptyOutDir --logLevel warn`, {
    cwd: checkout,
    stdio: 'inherit',
  });
  rmSync(old, { recursive: true, force: true });
  if (existsSync(outDir)) renameSync(outDir, old);
  renameSync(next, outDir);
  rmSync(old, { recursive: true, force: true });
}

/** Builds dist/dashboard when it is stale; resolves null when it is current after that, else why not. */
export function ensureDashboard(log = (line) => console.log(line)) {
  const stale = dashboardStaleness();
  if (!stale) return null;
  if (!canBuildDashboard()) return `${stale}, and Vite is not installed (npm install with dev dependencies builds it)`;
  log(`building the dashboard (${stale})…`);
  try {
    buildDashboard();
    return null;
  } catch {
    return 'the dashboard did not build (npm run build:dashboard says why)';
  }
}

if (process.argv.includes('--build')) buildDashboard();
