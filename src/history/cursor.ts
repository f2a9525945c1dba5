/**
 * Keyset cursors for snapshot pages. A cursor names the last row of a page by its sort key
 * (snapshot_time, id), so the next page starts strictly after it: rows written meanwhile neither
 * shift pages nor cause duplicates, and rows with equal timestamps are split by id.
 */
import { InputError } from '../core/errors.js';

export interface SnapshotKey {
  takenAtMs: number;
  id: number;
}

const FORMAT = /^(\d{1,15}):(\d{1,15})$/;

/** Opaque to clients: base64url of "epochMs:id". */
export function encodeCursor(key: SnapshotKey): string {
  return Buffer.from(`${key.takenAtMs}:${key.id}`, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): SnapshotKey {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const match = FORMAT.exec(text);
  // Node's base64url decoder skips characters it does not know; re-encoding catches those.
  if (!match || encodeCursor({ takenAtMs: Number(match[1]), id: Number(match[2]) }) !== cursor) {
    throw new InputError('Invalid cursor: pass endCursor from a previous page unchanged');
  }
  return { takenAtMs: Number(match[1]), id: Number(match[2]) };
}
