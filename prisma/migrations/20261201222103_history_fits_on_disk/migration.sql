-- CreateTable
CREATE TABLE "snapshot_documents" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "taken_at" DATETIME NOT NULL,
    "base_id" INTEGER,
    "encoding" TEXT NOT NULL,
    "body" BLOB NOT NULL
);

-- CreateTable
CREATE TABLE "market_tickers" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "ticker" TEXT NOT NULL
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

    PRIMARY KEY ("ticker_id", "at_ms")
) WITHOUT ROWID; -- hand-added: the primary key is the table (one b-tree, no rowid copy); Prisma does not model it


-- Hand-written: carry the stored aggregates over into snapshot_documents (encoding 'json', read by
-- src/history/snapshot-documents.ts), then drop them from the rows. A whole-book row's aggregate
-- becomes its tick's document ("t":1: the tick's agent rows read it with the pnl list narrowed to
-- their own agent, which is what the old writer stored in each of them). An agent row whose stored
-- aggregate is exactly that points at it; any other row keeps a document of its own (its id).
CREATE TEMP TABLE "carry_shared" AS
SELECT p."id" AS "id",
  (SELECT w."id" FROM "pnl_snapshots" w
    WHERE w."agent_id" IS NULL AND w."snapshot_time" = p."snapshot_time"
      AND json_valid(w."aggregated_json") AND json_valid(p."aggregated_json")
      AND json_array_length(p."aggregated_json", '$.pnl') = 1
      AND json(p."aggregated_json") = json_set(json(w."aggregated_json"), '$.pnl', json(json_extract(p."aggregated_json", '$.pnl')))
      AND (SELECT count(*) FROM json_each(w."aggregated_json", '$.pnl') e WHERE json_extract(e.value, '$.agentId') = p."agent_id") = 1
      AND EXISTS (SELECT 1 FROM json_each(w."aggregated_json", '$.pnl') e WHERE json(e.value) = json(json_extract(p."aggregated_json", '$.pnl[0]')))
    ORDER BY w."id" LIMIT 1) AS "shared"
FROM "pnl_snapshots" p WHERE p."agent_id" IS NOT NULL;

INSERT INTO "snapshot_documents" ("id", "taken_at", "base_id", "encoding", "body")
SELECT p."id", p."snapshot_time", NULL, 'json',
  CAST('{"a":' || p."aggregated_json" || ',"k":' || COALESCE(p."kalshi_data_json", 'null') || ',"an":' || COALESCE(p."anthropic_analysis_json", 'null')
    || ',"j":' || COALESCE(p."john_metrics_json", 'null') || ',"m":' || COALESCE(p."metadata_json", 'null')
    || CASE WHEN p."agent_id" IS NULL THEN ',"t":1' ELSE '' END || '}' AS BLOB)
FROM "pnl_snapshots" p LEFT JOIN "carry_shared" c ON c."id" = p."id"
WHERE c."shared" IS NULL;

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_pnl_snapshots" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "snapshot_date" TEXT NOT NULL,
    "snapshot_time" DATETIME NOT NULL,
    "agent_id" TEXT,
    "availability_score" REAL NOT NULL,
    "revenue_usd" TEXT NOT NULL DEFAULT '0',
    "realized_pnl_usd" TEXT NOT NULL DEFAULT '0',
    "unrealized_pnl_usd" TEXT NOT NULL DEFAULT '0',
    "total_pnl_usd" TEXT NOT NULL DEFAULT '0',
    "document_id" INTEGER NOT NULL,
    "aggregated_json" TEXT,
    "kalshi_data_json" TEXT,
    "anthropic_analysis_json" TEXT,
    "john_metrics_json" TEXT,
    "metadata_json" TEXT,
    "created_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);
-- Hand-edited: money from REAL to its decimal text (as the old read path printed it: no exponent, no
-- trailing ".0"); the rows point at their document and keep no JSON.
INSERT INTO "new_pnl_snapshots" ("id", "snapshot_date", "snapshot_time", "agent_id", "availability_score", "revenue_usd", "realized_pnl_usd", "unrealized_pnl_usd", "total_pnl_usd", "document_id", "created_at") SELECT p."id", p."snapshot_date", p."snapshot_time", p."agent_id", p."availability_score", CASE WHEN typeof("revenue_usd") = 'integer' THEN CAST("revenue_usd" AS TEXT) WHEN instr(lower(CAST("revenue_usd" AS TEXT)), 'e') > 0 THEN rtrim(rtrim(printf('%.12f', "revenue_usd"), '0'), '.') WHEN CAST("revenue_usd" AS TEXT) LIKE '%.0' THEN substr(CAST("revenue_usd" AS TEXT), 1, length(CAST("revenue_usd" AS TEXT)) - 2) ELSE CAST("revenue_usd" AS TEXT) END, CASE WHEN typeof("realized_pnl_usd") = 'integer' THEN CAST("realized_pnl_usd" AS TEXT) WHEN instr(lower(CAST("realized_pnl_usd" AS TEXT)), 'e') > 0 THEN rtrim(rtrim(printf('%.12f', "realized_pnl_usd"), '0'), '.') WHEN CAST("realized_pnl_usd" AS TEXT) LIKE '%.0' THEN substr(CAST("realized_pnl_usd" AS TEXT), 1, length(CAST("realized_pnl_usd" AS TEXT)) - 2) ELSE CAST("realized_pnl_usd" AS TEXT) END, CASE WHEN typeof("unrealized_pnl_usd") = 'integer' THEN CAST("unrealized_pnl_usd" AS TEXT) WHEN instr(lower(CAST("unrealized_pnl_usd" AS TEXT)), 'e') > 0 THEN rtrim(rtrim(printf('%.12f', "unrealized_pnl_usd"), '0'), '.') WHEN CAST("unrealized_pnl_usd" AS TEXT) LIKE '%.0' THEN substr(CAST("unrealized_pnl_usd" AS TEXT), 1, length(CAST("unrealized_pnl_usd" AS TEXT)) - 2) ELSE CAST("unrealized_pnl_usd" AS TEXT) END, CASE WHEN typeof("total_pnl_usd") = 'integer' THEN CAST("total_pnl_usd" AS TEXT) WHEN instr(lower(CAST("total_pnl_usd" AS TEXT)), 'e') > 0 THEN rtrim(rtrim(printf('%.12f', "total_pnl_usd"), '0'), '.') WHEN CAST("total_pnl_usd" AS TEXT) LIKE '%.0' THEN substr(CAST("total_pnl_usd" AS TEXT), 1, length(CAST("total_pnl_usd" AS TEXT)) - 2) ELSE CAST("total_pnl_usd" AS TEXT) END, COALESCE(c."shared", p."id"), p."created_at" FROM "pnl_snapshots" p LEFT JOIN "carry_shared" c ON c."id" = p."id";
DROP TABLE "pnl_snapshots";
ALTER TABLE "new_pnl_snapshots" RENAME TO "pnl_snapshots";
CREATE INDEX "idx_date_agent" ON "pnl_snapshots"("snapshot_date", "agent_id");
CREATE INDEX "idx_agent" ON "pnl_snapshots"("agent_id", "snapshot_time");
CREATE INDEX "idx_snapshot_time" ON "pnl_snapshots"("snapshot_time", "id");
DROP TABLE "carry_shared";
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "idx_snapshot_documents_taken_at" ON "snapshot_documents"("taken_at");

-- CreateIndex
CREATE UNIQUE INDEX "market_tickers_ticker_key" ON "market_tickers"("ticker");
