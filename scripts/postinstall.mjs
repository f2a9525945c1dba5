// npm postinstall: generate the Prisma clients, then compile src/ to dist/ and build the dashboard
// into dist/dashboard/ (`npm run build`) so that `npm start` right after `npm install` serves
// both at once. The build is skipped where TypeScript is not installed (a production-only install
// has no dev dependencies, Vite among them, and copies dist/ from a build stage instead).
import { execSync } from 'node:child_process';
import { createRequire } from 'node:module';

const run = (command) => execSync(command, { stdio: 'inherit', cwd: new URL('..', import.meta.url) });

// better-sqlite3's native build is the one dependency install script the project needs (approved
// in package.json's allowScripts): fail the install here, not at the first query, if it was skipped
// or built for another Node.
try {
  const Database = createRequire(import.meta.url)('better-sqlite3');
  new Database(':memory:').close();
} catch (error) {
  const reason = String(error instanceof Error ? error.message : error)
    .replace(/\s+/g, ' ')
    .slice(0, 400);
  console.error(`northstar: better-sqlite3 does not load on Node ${process.version} (${reason}).`);
  console.error('northstar: its install script must run (allowScripts in package.json): npm rebuild better-sqlite3');
  process.exit(1);
}
run('node scripts/generate-prisma.mjs');
try {
  createRequire(import.meta.url).resolve('typescript');
} catch {
  console.log('northstar: typescript not installed; skipping the build');
  process.exit(0);
}
run('npm run -s build');
