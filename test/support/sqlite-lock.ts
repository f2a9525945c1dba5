/**
 * Another process holding the service's SQLite file under a write lock: a child that opens it with
 * better-sqlite3, runs BEGIN EXCLUSIVE, holds it for `holdMs`, then commits and exits. The service
 * must keep answering meanwhile; its writes wait for the lock on timers (serial-connection.ts), and
 * one still locked out after the retry budget fails with a log.
 */
import { spawn } from 'node:child_process';

const HOLDER = `
const Database = require('better-sqlite3');
const [file, holdMs] = process.argv.slice(1);
const db = new Database(file, { timeout: 10000 });
db.exec('BEGIN EXCLUSIVE');
process.stdout.write('locked\\n');
setTimeout(() => {
  db.exec('COMMIT');
  db.close();
  process.stdout.write('released\\n');
}, Number(holdMs));
`;

export interface HeldLock {
  /** Milliseconds the lock was held, once released. */
  released: Promise<number>;
}

/** Resolves once the child holds the lock. */
export async function holdWriteLock(dbPath: string, holdMs: number): Promise<HeldLock> {
  const child = spawn(process.execPath, ['-e', HOLDER, dbPath, String(holdMs)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  let lockedAt = 0;
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('locked') && lockedAt === 0) {
        lockedAt = performance.now();
        resolve();
      }
    });
    exited.then(
      (code) => reject(new Error(`the lock holder exited (${String(code)}) before locking: ${stderr}`)),
      () => undefined,
    );
  });
  return {
    released: exited.then((code) => {
      if (code !== 0 || !output.includes('released')) throw new Error(`the lock holder failed (${String(code)}): ${stderr}`);
      return performance.now() - lockedAt;
    }),
  };
}
