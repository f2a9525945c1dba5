-- CreateTable
CREATE TABLE "snapshot_documents" (
    "id" SERIAL NOT NULL,
    "taken_at" TIMESTAMP(3) NOT NULL,
    "base_id" INTEGER,
    "encoding" TEXT NOT NULL,
    "body" BYTEA NOT NULL,

    CONSTRAINT "snapshot_documents_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "market_tickers" (
    "id" SERIAL NOT NULL,
    "ticker" TEXT NOT NULL,

    CONSTRAINT "market_tickers_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "market_ticks" (
    "ticker_id" INTEGER NOT NULL,
    "at_ms" BIGINT NOT NULL,
    "bid_micros" INTEGER,
    "ask_micros" INTEGER,
    "last_micros" INTEGER,
    "volume_hundredths" BIGINT,
    "open_interest_hundredths" BIGINT,

    CONSTRAINT "market_ticks_pkey" PRIMARY KEY ("ticker_id","at_ms")
);

-- CreateIndex
CREATE INDEX "idx_snapshot_documents_taken_at" ON "snapshot_documents"("taken_at");

-- CreateIndex
CREATE UNIQUE INDEX "market_tickers_ticker_key" ON "market_tickers"("ticker");

-- Hand-written: carry the stored aggregates over into snapshot_documents (see the SQLite twin of
-- this migration for the rules), then drop them from the rows. Money keeps its exact value as
-- text, without DECIMAL(65,30)'s trailing zeros (as the old read path printed it).
CREATE TEMP TABLE "carry_shared" AS
SELECT p."id" AS "id",
  (SELECT w."id" FROM "pnl_snapshots" w
    WHERE w."agent_id" IS NULL AND w."snapshot_time" = p."snapshot_time"
      AND jsonb_typeof(p."aggregated_json"::jsonb -> 'pnl') = 'array' AND jsonb_array_length(p."aggregated_json"::jsonb -> 'pnl') = 1
      AND jsonb_set(w."aggregated_json"::jsonb, '{pnl}', p."aggregated_json"::jsonb -> 'pnl') = p."aggregated_json"::jsonb
      AND (SELECT count(*) FROM jsonb_array_elements(w."aggregated_json"::jsonb -> 'pnl') e WHERE e ->> 'agentId' = p."agent_id") = 1
      AND EXISTS (SELECT 1 FROM jsonb_array_elements(w."aggregated_json"::jsonb -> 'pnl') e WHERE e = p."aggregated_json"::jsonb -> 'pnl' -> 0)
    ORDER BY w."id" LIMIT 1) AS "shared"
FROM "pnl_snapshots" p WHERE p."agent_id" IS NOT NULL;

INSERT INTO "snapshot_documents" ("id", "taken_at", "base_id", "encoding", "body")
SELECT p."id", p."snapshot_time", NULL, 'json',
  convert_to('{"a":' || p."aggregated_json" || ',"k":' || COALESCE(p."kalshi_data_json", 'null') || ',"an":' || COALESCE(p."anthropic_analysis_json", 'null')
    || ',"j":' || COALESCE(p."john_metrics_json", 'null') || ',"m":' || COALESCE(p."metadata_json", 'null')
    || CASE WHEN p."agent_id" IS NULL THEN ',"t":1' ELSE '' END || '}', 'UTF8')
FROM "pnl_snapshots" p LEFT JOIN "carry_shared" c ON c."id" = p."id"
WHERE c."shared" IS NULL;
SELECT setval(pg_get_serial_sequence('"snapshot_documents"', 'id'), COALESCE((SELECT max("id") FROM "snapshot_documents"), 0) + 1, false);

ALTER TABLE "pnl_snapshots" ADD COLUMN "document_id" INTEGER, ALTER COLUMN "aggregated_json" DROP NOT NULL;
UPDATE "pnl_snapshots" p SET "document_id" = COALESCE(c."shared", p."id"), "aggregated_json" = NULL, "kalshi_data_json" = NULL,
  "anthropic_analysis_json" = NULL, "john_metrics_json" = NULL, "metadata_json" = NULL
FROM (SELECT q."id", s."shared" FROM "pnl_snapshots" q LEFT JOIN "carry_shared" s ON s."id" = q."id") c WHERE c."id" = p."id";
DROP TABLE "carry_shared";

-- AlterTable
ALTER TABLE "pnl_snapshots" ALTER COLUMN "document_id" SET NOT NULL,
ALTER COLUMN "revenue_usd" SET DEFAULT '0',
ALTER COLUMN "revenue_usd" SET DATA TYPE TEXT USING trim_scale("revenue_usd")::text,
ALTER COLUMN "realized_pnl_usd" SET DEFAULT '0',
ALTER COLUMN "realized_pnl_usd" SET DATA TYPE TEXT USING trim_scale("realized_pnl_usd")::text,
ALTER COLUMN "unrealized_pnl_usd" SET DEFAULT '0',
ALTER COLUMN "unrealized_pnl_usd" SET DATA TYPE TEXT USING trim_scale("unrealized_pnl_usd")::text,
ALTER COLUMN "total_pnl_usd" SET DEFAULT '0',
ALTER COLUMN "total_pnl_usd" SET DATA TYPE TEXT USING trim_scale("total_pnl_usd")::text;
