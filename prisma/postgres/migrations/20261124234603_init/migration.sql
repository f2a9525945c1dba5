-- CreateTable
CREATE TABLE "raw_api_responses" (
    "id" SERIAL NOT NULL,
    "source" TEXT NOT NULL,
    "api_endpoint" TEXT NOT NULL,
    "request_id" TEXT,
    "response_json" TEXT NOT NULL,
    "response_status" INTEGER,
    "fetch_timestamp" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "ttl_seconds" INTEGER NOT NULL DEFAULT 3600,

    CONSTRAINT "raw_api_responses_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "normalized_data" (
    "id" SERIAL NOT NULL,
    "data_id" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "ticker" TEXT,
    "asset_type" TEXT,
    "normalized_json" TEXT NOT NULL,
    "cache_tier" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMP(3),

    CONSTRAINT "normalized_data_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "pnl_snapshots" (
    "id" SERIAL NOT NULL,
    "snapshot_date" TEXT NOT NULL,
    "snapshot_time" TIMESTAMP(3) NOT NULL,
    "agent_id" TEXT,
    "availability_score" DOUBLE PRECISION NOT NULL,
    "revenue_usd" DECIMAL(65,30) NOT NULL DEFAULT 0,
    "realized_pnl_usd" DECIMAL(65,30) NOT NULL DEFAULT 0,
    "unrealized_pnl_usd" DECIMAL(65,30) NOT NULL DEFAULT 0,
    "total_pnl_usd" DECIMAL(65,30) NOT NULL DEFAULT 0,
    "aggregated_json" TEXT NOT NULL,
    "kalshi_data_json" TEXT,
    "anthropic_analysis_json" TEXT,
    "john_metrics_json" TEXT,
    "metadata_json" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "pnl_snapshots_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "data_freshness" (
    "id" SERIAL NOT NULL,
    "source" TEXT NOT NULL,
    "last_successful_fetch" TIMESTAMP(3),
    "last_failed_fetch" TIMESTAMP(3),
    "consecutive_failures" INTEGER NOT NULL DEFAULT 0,
    "circuit_breaker_state" TEXT NOT NULL DEFAULT 'CLOSED',
    "last_error" TEXT,
    "updated_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "data_freshness_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "audit_log" (
    "id" SERIAL NOT NULL,
    "event_type" TEXT NOT NULL,
    "source" TEXT,
    "agent_id" TEXT,
    "details_json" TEXT,
    "error_message" TEXT,
    "logged_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "audit_log_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "cache_entries" (
    "id" SERIAL NOT NULL,
    "cache_key" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "value_json" TEXT NOT NULL,
    "origin_at" TIMESTAMP(3) NOT NULL,
    "fetched_at" TIMESTAMP(3) NOT NULL,
    "expires_at" TIMESTAMP(3) NOT NULL,
    "updated_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "cache_entries_pkey" PRIMARY KEY ("id")
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
