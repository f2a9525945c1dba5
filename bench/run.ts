/**
 * `npm run bench [name…]`: runs every bench/*.bench.ts (or the named ones) in turn. Each prints its
 * numbers next to a baseline measured in the same run. Benchmarks are measurements, not tests.
 */
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('.', import.meta.url));
const wanted = process.argv.slice(2);
const files = readdirSync(dir)
  .filter((file) => file.endsWith('.bench.ts'))
  .filter((file) => wanted.length === 0 || wanted.some((name) => file.startsWith(name)))
  .sort();

for (const file of files) {
  const module = (await import(new URL(file, import.meta.url).href)) as { run(): Promise<void> };
  await module.run();
}
