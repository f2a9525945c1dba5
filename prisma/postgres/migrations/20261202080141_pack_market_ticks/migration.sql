-- Hand-written (Prisma would drop market_ticks and create both tables): the rows of one tick each
-- are kept, renamed legacy_market_ticks (its primary key renamed with it), and the history store
-- packs them into blocks of the new market_ticks when it opens
-- (src/history/legacy-tick-converter.ts: varint bodies cannot be built in SQL).
ALTER TABLE "market_ticks" RENAME TO "legacy_market_ticks";
ALTER TABLE "legacy_market_ticks" RENAME CONSTRAINT "market_ticks_pkey" TO "legacy_market_ticks_pkey";

-- CreateTable
CREATE TABLE "market_ticks" (
    "ticker_id" INTEGER NOT NULL,
    "start_ms" BIGINT NOT NULL,
    "body" BYTEA NOT NULL,

    CONSTRAINT "market_ticks_pkey" PRIMARY KEY ("ticker_id","start_ms")
);
