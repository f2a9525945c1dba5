import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/core/errors.js';
import { parseDatabaseUrl } from '../../src/history/connection.js';

describe('parseDatabaseUrl', () => {
  it('resolves SQLite paths against the working directory and drops Prisma query parameters', () => {
    expect(parseDatabaseUrl('file:./data/northstar.db')).toEqual({ provider: 'sqlite', file: path.resolve(process.cwd(), 'data/northstar.db') });
    expect(parseDatabaseUrl('file:/var/lib/n.db?connection_limit=1')).toEqual({ provider: 'sqlite', file: '/var/lib/n.db' });
    expect(parseDatabaseUrl('file::memory:')).toEqual({ provider: 'sqlite', file: ':memory:' });
  });

  it("takes PostgreSQL's schema out of the URL, defaulting to public", () => {
    expect(parseDatabaseUrl('postgresql://u:p@db:5432/app?schema=history&sslmode=require')).toEqual({
      provider: 'postgresql',
      connectionString: 'postgresql://u:p@db:5432/app?sslmode=require',
      schema: 'history',
    });
    expect(parseDatabaseUrl('postgres://db/app')).toEqual({ provider: 'postgresql', connectionString: 'postgres://db/app', schema: 'public' });
  });

  it('rejects what it cannot open with a ConfigError', () => {
    for (const url of ['mysql://db/app', 'file:', 'postgresql://db/app?schema=Mixed', 'postgresql://db/app?schema=a;drop']) {
      expect(() => parseDatabaseUrl(url)).toThrow(ConfigError);
    }
  });
});
