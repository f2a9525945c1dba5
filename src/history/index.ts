/** The history layer's public surface: import from here, not from the files behind it. */
export { HistoryStore, type HistoryStoreOptions, type OpenHistoryStoreOptions } from './history-store.js';
export { openDatabase, type HistoryClient } from './database.js';
export { migrateDatabase, type MigrationResult } from './migrate.js';
export {
  pruneHistory,
  startRetentionJob,
  type PruneCounts,
  type PruneOptions,
  type PrunedTable,
  type RetentionJob,
  type RetentionJobOptions,
} from './retention.js';
export {
  MAX_PAGE_SIZE,
  type DailySnapshotGroup,
  type ListSnapshotsArgs,
  type PnlAmounts,
  type PnlHistoryArgs,
  type PnlPoint,
  type SnapshotDetail,
  type SnapshotInput,
  type SnapshotPage,
  type SnapshotRange,
  type SnapshotRow,
} from './snapshots.js';
export type { AuditInput, FreshnessInput, FreshnessRow, NormalizedInput, RawResponseInput } from './records.js';
export { uncovered, type BackfillInput, type BackfillKind, type BackfillQuery, type BackfillRange, type CandleQuery } from './market-history.js';
