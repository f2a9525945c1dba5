-- CreateTable
CREATE TABLE "raw_api_responses" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "source" TEXT NOT NULL,
    "api_endpoint" TEXT NOT NULL,
    "request_id" TEXT,
    "response_json" TEXT NOT NULL,
    "response_status" INTEGER,
    "fetch_timestamp" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "ttl_seconds" INTEGER NOT NULL DEFAULT 3600
);

-- CreateTable
CREATE TABLE "normalized_data" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "data_id" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "ticker" TEXT,
    "asset_type" TEXT,
    "normalized_json" TEXT NOT NULL,
    "cache_tier" TEXT,
    "created_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" DATETIME
);

-- CreateTable
CREATE TABLE "pnl_snapshots" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "snapshot_date" TEXT NOT NULL,
    "snapshot_time" DATETIME NOT NULL,
    "agent_id" TEXT,
    "availability_score" REAL NOT NULL,
    "revenue_usd" DECIMAL NOT NULL DEFAULT 0,
    "realized_pnl_usd" DECIMAL NOT NULL DEFAULT 0,
    "unrealized_pnl_usd" DECIMAL NOT NULL DEFAULT 0,
    "total_pnl_usd" DECIMAL NOT NULL DEFAULT 0,
    "aggregated_json" TEXT NOT NULL,
    "kalshi_data_json" TEXT,
    "anthropic_analysis_json" TEXT,
    "john_metrics_json" TEXT,
    "metadata_json" TEXT,
    "created_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "data_freshness" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "source" TEXT NOT NULL,
    "last_successful_fetch" DATETIME,
    "last_failed_fetch" DATETIME,
    "consecutive_failures" INTEGER NOT NULL DEFAULT 0,
    "circuit_breaker_state" TEXT NOT NULL DEFAULT 'CLOSED',
    "last_error" TEXT,
    "updated_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "audit_log" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "event_type" TEXT NOT NULL,
    "source" TEXT,
    "agent_id" TEXT,
    "details_json" TEXT,
    "error_message" TEXT,
    "logged_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "cache_entries" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "cache_key" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "value_json" TEXT NOT NULL,
    "origin_at" DATETIME NOT NULL,
    "fetched_at" DATETIME NOT NULL,
    "expires_at" DATETIME NOT NULL,
    "updated_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateIndex
CREATE INDEX "idx_source_timestamp" ON "raw_api_responses"("source", "fetch_timestamp");

-- CreateIndex
CREATE INDEX "idx_raw_fetch_timestamp" ON "raw_api_responses"("fetch_timestamp");

-- CreateIndex
CREATE UNIQUE INDEX "normalized_data_data_id_key" ON "normalized_data"("data_id");

-- CreateIndex
CREATE INDEX "idx_source_ticker" ON "normalized_data"("source", "ticker");

-- CreateIndex
CREATE INDEX "idx_created" ON "normalized_data"("created_at");

-- CreateIndex
CREATE INDEX "idx_date_agent" ON "pnl_snapshots"("snapshot_date", "agent_id");

-- CreateIndex
CREATE INDEX "idx_agent" ON "pnl_snapshots"("agent_id", "snapshot_time");

-- CreateIndex
CREATE INDEX "idx_snapshot_time" ON "pnl_snapshots"("snapshot_time", "id");

-- CreateIndex
CREATE UNIQUE INDEX "data_freshness_source_key" ON "data_freshness"("source");

-- CreateIndex
CREATE INDEX "idx_event_type" ON "audit_log"("event_type");

-- CreateIndex
CREATE INDEX "idx_logged_at" ON "audit_log"("logged_at");

-- CreateIndex
CREATE UNIQUE INDEX "cache_entries_cache_key_key" ON "cache_entries"("cache_key");

-- CreateIndex
CREATE INDEX "idx_cache_expires_at" ON "cache_entries"("expires_at");

-- CreateIndex
CREATE INDEX "idx_cache_source" ON "cache_entries"("source");
