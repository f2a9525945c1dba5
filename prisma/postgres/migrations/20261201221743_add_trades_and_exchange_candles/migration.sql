-- CreateTable
CREATE TABLE "trades" (
    "trade_id" TEXT NOT NULL,
    "ticker" TEXT NOT NULL,
    "price_micros" INTEGER NOT NULL,
    "count_hundredths" BIGINT NOT NULL,
    "taker_side" TEXT NOT NULL,
    "executed_at" TIMESTAMP(3) NOT NULL,
    "origin" TEXT NOT NULL,
    "received_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "trades_pkey" PRIMARY KEY ("trade_id")
);

-- CreateTable
CREATE TABLE "exchange_candles" (
    "ticker" TEXT NOT NULL,
    "interval_minutes" INTEGER NOT NULL,
    "start_at" TIMESTAMP(3) NOT NULL,
    "price_open" INTEGER,
    "price_high" INTEGER,
    "price_low" INTEGER,
    "price_close" INTEGER,
    "yes_bid_open" INTEGER,
    "yes_bid_high" INTEGER,
    "yes_bid_low" INTEGER,
    "yes_bid_close" INTEGER,
    "yes_ask_open" INTEGER,
    "yes_ask_high" INTEGER,
    "yes_ask_low" INTEGER,
    "yes_ask_close" INTEGER,
    "volume_hundredths" BIGINT NOT NULL,
    "open_interest_hundredths" BIGINT,
    "fetched_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "exchange_candles_pkey" PRIMARY KEY ("ticker","interval_minutes","start_at")
);

-- CreateTable
CREATE TABLE "history_backfills" (
    "id" SERIAL NOT NULL,
    "kind" TEXT NOT NULL,
    "ticker" TEXT NOT NULL,
    "interval_minutes" INTEGER NOT NULL,
    "from_at" TIMESTAMP(3) NOT NULL,
    "to_at" TIMESTAMP(3) NOT NULL,
    "rows" INTEGER NOT NULL,
    "fetched_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "history_backfills_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "idx_trades_ticker_time" ON "trades"("ticker", "executed_at");

-- CreateIndex
CREATE INDEX "idx_trades_time" ON "trades"("executed_at");

-- CreateIndex
CREATE INDEX "idx_backfill_range" ON "history_backfills"("kind", "ticker", "interval_minutes", "from_at");
