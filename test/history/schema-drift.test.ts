/**
 * Someone who edits prisma/schema.prisma must also run `npm run db:migration -- <name>`: otherwise
 * databases migrated at startup would not match the client. This catches the forgotten step.
 */
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { pendingChanges } from '../../scripts/make-migration.js';
import { listMigrationNames, providerPaths } from '../../src/history/migration-files.js';

describe('prisma/ is consistent', () => {
  it('the committed migrations produce prisma/schema.prisma on both providers', async () => {
    const pending = await pendingChanges();
    expect(pending.changed, `run npm run db:migration -- <name>:\n${pending.sqlite}\n${pending.postgresql}`).toBe(false);
    const written = await readFile(providerPaths('postgresql').schemaFile, 'utf8');
    expect(written, 'prisma/postgres/schema.prisma is stale: run npm run generate:prisma').toBe(pending.postgresSchema);
  });

  it('both providers have the same migration history', async () => {
    const sqlite = await listMigrationNames(providerPaths('sqlite').migrationsDir);
    expect(sqlite.length).toBeGreaterThan(0);
    expect(await listMigrationNames(providerPaths('postgresql').migrationsDir)).toEqual(sqlite);
  });
});
