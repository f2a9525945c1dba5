-- Hand-written (Prisma would drop market_ticks and create both tables): the rows of one tick each
-- are kept, renamed legacy_market_ticks, and the history store packs them into blocks of the new
-- market_ticks when it opens (src/history/legacy-tick-converter.ts; varint bodies cannot be built
-- in SQL). The renamed table keeps WITHOUT ROWID.
ALTER TABLE "market_ticks" RENAME TO "legacy_market_ticks";

-- CreateTable
CREATE TABLE "market_ticks" (
    "ticker_id" INTEGER NOT NULL,
    "start_ms" BIGINT NOT NULL,
    "body" BLOB NOT NULL,

    PRIMARY KEY ("ticker_id", "start_ms")
) WITHOUT ROWID; -- hand-added: the primary key is the table (one b-tree, no rowid copy); Prisma does not model it
