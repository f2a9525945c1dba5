// npm postinstall: generate the Prisma clients, then compile src/ to dist/ so that `npm start`
// right after `npm install` serves at once. The compile is skipped where TypeScript is not
// installed (a production-only install copies dist/ from a build stage instead).
import { execSync } from 'node:child_process';
import { createRequire } from 'node:module';

const run = (command) => execSync(command, { stdio: 'inherit', cwd: new URL('..', import.meta.url) });

run('node scripts/generate-prisma.mjs');
try {
  createRequire(import.meta.url).resolve('typescript');
} catch {
  console.log('northstar: typescript not installed; skipping the build');
  process.exit(0);
}
run('npm run -s build');
