-- Hand-written: trades stored small, like market_ticks. The rows stored so far carry over: their
-- tickers interned into market_tickers, their times as epoch ms.
CREATE TABLE "new_trades" (
    "ticker_id" INTEGER NOT NULL,
    "at_ms" BIGINT NOT NULL,
    "trade_id" TEXT NOT NULL,
    "price_micros" INTEGER NOT NULL,
    "count_hundredths" BIGINT NOT NULL,
    "taker_yes" BOOLEAN NOT NULL,
    "from_feed" BOOLEAN NOT NULL,

    CONSTRAINT "new_trades_pkey" PRIMARY KEY ("ticker_id", "at_ms", "trade_id")
);

INSERT INTO "market_tickers" ("ticker") SELECT DISTINCT "ticker" FROM "trades" ON CONFLICT ("ticker") DO NOTHING;

INSERT INTO "new_trades" ("ticker_id", "at_ms", "trade_id", "price_micros", "count_hundredths", "taker_yes", "from_feed")
SELECT mt."id", (EXTRACT(EPOCH FROM t."executed_at") * 1000)::BIGINT, t."trade_id", t."price_micros", t."count_hundredths", t."taker_side" = 'yes', t."origin" = 'ws'
FROM "trades" t JOIN "market_tickers" mt ON mt."ticker" = t."ticker"
ON CONFLICT DO NOTHING;

DROP TABLE "trades";
ALTER TABLE "new_trades" RENAME TO "trades";
ALTER TABLE "trades" RENAME CONSTRAINT "new_trades_pkey" TO "trades_pkey";
