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
  MAX_PNL_POINTS,
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
  type SnapshotTickInput,
} from './snapshots.js';
export type { AuditInput, FreshnessInput, FreshnessRow, NormalizedInput, RawResponseInput } from './records.js';
export { uncovered, type BackfillInput, type BackfillKind, type BackfillQuery, type BackfillRange, type CandleQuery } from './market-history.js';
export { MAX_TICKS_PER_READ, toHundredths, toMicros, type MarketTickInput, type MarketTickQuery, type MarketTickRow } from './market-ticks.js';
export { MarketTickRecorder, type MarketTickRecorderOptions, type MarketTickSink } from './market-tick-recorder.js';
