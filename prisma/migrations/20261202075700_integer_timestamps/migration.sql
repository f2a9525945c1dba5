-- Hand-written data migration; the datamodel does not change.
-- The history's DateTimes become integer epoch milliseconds: the client now writes them so
-- (src/history/connection.ts, the adapter's timestampFormat 'unixepoch-ms', 6 bytes instead of the 29
-- of '2026-12-02T07:46:24.167+00:00', in each row and in each index over the column). Every column
-- must hold one form only: SQLite orders every integer before every text, so a range over rows
-- of both forms would miss the text ones. julianday() reads Prisma's ISO text and the 'YYYY-MM-DD
-- HH:MM:SS' of a DDL default alike; its value keeps whole milliseconds (SQLite computes it from
-- integer milliseconds), so round() gives back the exact instant (test/history/integer-timestamps.test.ts).
-- _prisma_migrations is not the history and stays as the schema engine writes it.
UPDATE "raw_api_responses" SET "fetch_timestamp" = CAST(round((julianday("fetch_timestamp") - 2440587.5) * 86400000) AS INTEGER) WHERE typeof("fetch_timestamp") = 'text';
UPDATE "normalized_data" SET "created_at" = CAST(round((julianday("created_at") - 2440587.5) * 86400000) AS INTEGER) WHERE typeof("created_at") = 'text';
UPDATE "normalized_data" SET "expires_at" = CAST(round((julianday("expires_at") - 2440587.5) * 86400000) AS INTEGER) WHERE typeof("expires_at") = 'text';
UPDATE "pnl_snapshots" SET "snapshot_time" = CAST(round((julianday("snapshot_time") - 2440587.5) * 86400000) AS INTEGER) WHERE typeof("snapshot_time") = 'text';
UPDATE "pnl_snapshots" SET "created_at" = CAST(round((julianday("created_at") - 2440587.5) * 86400000) AS INTEGER) WHERE typeof("created_at") = 'text';
UPDATE "snapshot_documents" SET "taken_at" = CAST(round((julianday("taken_at") - 2440587.5) * 86400000) AS INTEGER) WHERE typeof("taken_at") = 'text';
UPDATE "data_freshness" SET "last_successful_fetch" = CAST(round((julianday("last_successful_fetch") - 2440587.5) * 86400000) AS INTEGER) WHERE typeof("last_successful_fetch") = 'text';
UPDATE "data_freshness" SET "last_failed_fetch" = CAST(round((julianday("last_failed_fetch") - 2440587.5) * 86400000) AS INTEGER) WHERE typeof("last_failed_fetch") = 'text';
UPDATE "data_freshness" SET "updated_at" = CAST(round((julianday("updated_at") - 2440587.5) * 86400000) AS INTEGER) WHERE typeof("updated_at") = 'text';
UPDATE "audit_log" SET "logged_at" = CAST(round((julianday("logged_at") - 2440587.5) * 86400000) AS INTEGER) WHERE typeof("logged_at") = 'text';
UPDATE "cache_entries" SET "origin_at" = CAST(round((julianday("origin_at") - 2440587.5) * 86400000) AS INTEGER) WHERE typeof("origin_at") = 'text';
UPDATE "cache_entries" SET "fetched_at" = CAST(round((julianday("fetched_at") - 2440587.5) * 86400000) AS INTEGER) WHERE typeof("fetched_at") = 'text';
UPDATE "cache_entries" SET "expires_at" = CAST(round((julianday("expires_at") - 2440587.5) * 86400000) AS INTEGER) WHERE typeof("expires_at") = 'text';
UPDATE "cache_entries" SET "updated_at" = CAST(round((julianday("updated_at") - 2440587.5) * 86400000) AS INTEGER) WHERE typeof("updated_at") = 'text';
UPDATE "exchange_candles" SET "start_at" = CAST(round((julianday("start_at") - 2440587.5) * 86400000) AS INTEGER) WHERE typeof("start_at") = 'text';
UPDATE "exchange_candles" SET "fetched_at" = CAST(round((julianday("fetched_at") - 2440587.5) * 86400000) AS INTEGER) WHERE typeof("fetched_at") = 'text';
UPDATE "history_backfills" SET "from_at" = CAST(round((julianday("from_at") - 2440587.5) * 86400000) AS INTEGER) WHERE typeof("from_at") = 'text';
UPDATE "history_backfills" SET "to_at" = CAST(round((julianday("to_at") - 2440587.5) * 86400000) AS INTEGER) WHERE typeof("to_at") = 'text';
UPDATE "history_backfills" SET "fetched_at" = CAST(round((julianday("fetched_at") - 2440587.5) * 86400000) AS INTEGER) WHERE typeof("fetched_at") = 'text';
UPDATE "service_runs" SET "started_at" = CAST(round((julianday("started_at") - 2440587.5) * 86400000) AS INTEGER) WHERE typeof("started_at") = 'text';
UPDATE "service_runs" SET "last_alive_at" = CAST(round((julianday("last_alive_at") - 2440587.5) * 86400000) AS INTEGER) WHERE typeof("last_alive_at") = 'text';
