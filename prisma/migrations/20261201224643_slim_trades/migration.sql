-- Hand-written (from Prisma's RedefineTables): trades stored small, like market_ticks. The rows
-- stored so far carry over: their tickers interned into market_tickers, their times as epoch ms.
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_trades" (
    "ticker_id" INTEGER NOT NULL,
    "at_ms" BIGINT NOT NULL,
    "trade_id" TEXT NOT NULL,
    "price_micros" INTEGER NOT NULL,
    "count_hundredths" BIGINT NOT NULL,
    "taker_yes" BOOLEAN NOT NULL,
    "from_feed" BOOLEAN NOT NULL,

    PRIMARY KEY ("ticker_id", "at_ms", "trade_id")
) WITHOUT ROWID; -- hand-added: the primary key is the table (one b-tree, no rowid copy); Prisma does not model it
INSERT INTO "market_tickers" ("ticker") SELECT DISTINCT "ticker" FROM "trades" WHERE true ON CONFLICT ("ticker") DO NOTHING;
INSERT INTO "new_trades" ("ticker_id", "at_ms", "trade_id", "price_micros", "count_hundredths", "taker_yes", "from_feed")
SELECT mt."id",
       CASE typeof(t."executed_at") WHEN 'integer' THEN t."executed_at" ELSE CAST(ROUND((julianday(t."executed_at") - 2440587.5) * 86400000) AS INTEGER) END,
       t."trade_id", t."price_micros", t."count_hundredths", t."taker_side" = 'yes', t."origin" = 'ws'
FROM "trades" t JOIN "market_tickers" mt ON mt."ticker" = t."ticker"
WHERE true ON CONFLICT DO NOTHING;
DROP TABLE "trades";
ALTER TABLE "new_trades" RENAME TO "trades";
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;
