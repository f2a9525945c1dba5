/**
 * Writes schema/persisted-operations.json: sha256 hex of each shipped client document → the
 * document (see operation-documents.ts). The service accepts these ids as
 * `extensions.persistedQuery.sha256Hash`; with PERSISTED_ONLY=on it accepts nothing else.
 * Part of `npm run generate`; the file is committed, and a test checks it matches the sources.
 */
import { writeFileSync } from 'node:fs';
import { clientOperations } from './operation-documents.js';

export function persistedManifest(): Record<string, string> {
  const manifest: Record<string, string> = {};
  for (const operation of clientOperations().sort((a, b) => a.sha256.localeCompare(b.sha256))) manifest[operation.sha256] = operation.document;
  return manifest;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const manifest = persistedManifest();
  writeFileSync(new URL('../schema/persisted-operations.json', import.meta.url), `${JSON.stringify(manifest, null, 2)}\n`);
  console.log(`schema/persisted-operations.json: ${Object.keys(manifest).length} operations`);
}
