// `npm start` runs this first: build when dist/ is missing or older than any source file (the
// server from src/, the dashboard from dashboard/), so a fresh clone starts with one command and a
// rebuilt tree starts without a needless compile.
import { execSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ensureDashboard } from './dashboard-build.mjs';

const root = new URL('..', import.meta.url).pathname;
const entry = join(root, 'dist/src/main.js');

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

if (!existsSync(join(root, 'src/generated/prisma'))) {
  execSync('npm run -s generate:prisma', { cwd: root, stdio: 'inherit' });
}
if (!existsSync(entry) || newestMtime(join(root, 'src')) > statSync(entry).mtimeMs) {
  console.log('northstar: building (tsc)…');
  execSync('npx tsc -p tsconfig.build.json', { cwd: root, stdio: 'inherit' });
}
// Without a current build, `/` serves the older one (or a page saying how to build it); GraphQL is unaffected.
const dashboardProblem = ensureDashboard((line) => console.log(`northstar: ${line}`));
if (dashboardProblem) console.log(`northstar: ${dashboardProblem}`);
