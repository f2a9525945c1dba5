/**
 * Seeds a history database with `rows` pnl_snapshots spread over `days` days for `agents` agents,
 * through better-sqlite3 in one transaction (Prisma's createMany would take minutes for a million
 * rows), in exactly the format the store writes: timestamps as integer epoch milliseconds, money as decimal text,
 * every row pointing at one (tiny) snapshot document.
 * Usage: tsx bench/lib/seed-snapshots.ts <file.db> [rows=1000000]
 */
import Database from 'better-sqlite3';
import { migrateDatabase } from '../../src/history/migrate.js';

export interface SeedOptions {
  file: string;
  rows: number;
  agents?: number;
  days?: number;
  endAt?: number;
}

export async function seedSnapshots(options: SeedOptions): Promise<{ agents: string[]; from: number; to: number }> {
  await migrateDatabase(`file:${options.file}`);
  const agentCount = options.agents ?? 8;
  const days = options.days ?? 90;
  const to = options.endAt ?? Date.UTC(2026, 10, 24);
  const from = to - days * 86_400_000;
  const agents = Array.from({ length: agentCount }, (_, i) => `agent:bench:${i}`);
  const db = new Database(options.file);
  db.pragma('journal_mode = WAL');
  const document = db
    .prepare(`INSERT INTO snapshot_documents (taken_at, base_id, encoding, body) VALUES (?, NULL, 'json', CAST('{"a":{}}' AS BLOB))`)
    .run(to).lastInsertRowid;
  const insert = db.prepare(
    `INSERT INTO pnl_snapshots (snapshot_date, snapshot_time, agent_id, availability_score, revenue_usd, realized_pnl_usd, unrealized_pnl_usd, total_pnl_usd, document_id, created_at)
     VALUES (?, ?, ?, 1, ?, ?, ?, ?, ?, ?)`,
  );
  const step = (to - from) / options.rows;
  db.transaction(() => {
    for (let i = 0; i < options.rows; i++) {
      const at = Math.round(from + i * step);
      const revenue = (i % 10_000) / 100;
      insert.run(new Date(at).toISOString().slice(0, 10), at, agents[i % agentCount], String(revenue), '1.25', '-0.5', String(revenue + 0.75), document, at);
    }
  })();
  db.close();
  return { agents, from, to };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const file = process.argv[2];
  if (!file) throw new Error('usage: tsx bench/lib/seed-snapshots.ts <file.db> [rows]');
  const started = performance.now();
  await seedSnapshots({ file, rows: Number(process.argv[3] ?? 1_000_000) });
  console.log(`seeded ${file} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}
