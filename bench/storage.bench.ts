/**
 * History bytes per day: real bytes written to a real SQLite file (the migrated history store, WAL
 * checkpointed; file growth) over a simulated period at the defaults (a snapshot tick every
 * SNAPSHOT_INTERVAL_MS = 5000; each market listed every second, as KALSHI_POLL_INTERVAL_MS = 1000
 * does), scaled to a day. Markets come from the Kalshi simulator's own market model (its change
 * rate), normalized as the service normalizes them and held in LiveMarkets; their quotes go through
 * the MarketTickRecorder into market_ticks (packed per market and minute), and every 5 s the aggregate (markets, an insight, John's
 * metrics, the sources, six agents' P&L) is written through HistoryStore.writeSnapshotTick. The
 * moving markets' trades (the simulator's trade rate) are stored as the WebSocket trade channel's
 * are, each second, through HistoryStore.storeTrades.
 *
 * Scenarios: 23 markets (the simulator's default listing); 1,000 markets of which 23 move (the rest
 * listed every second, their prices still); 1,000 markets all moving at the simulator's rate.
 * Baseline in the same run: the old layout (the whole aggregate in every pnl_snapshots row, plus the
 * markets once more in kalshi_data_json; money as REAL), written to a file of its own for the same
 * ticks (for 1,000 markets, the first BASELINE_TICKS_BIG ticks, scaled).
 * Also printed: the raw-response samples the service archives (one /markets listing every 10 minutes),
 * which retention drops after their ttl (RAW_RESPONSE_TTL_SECONDS, 3600): what they hold at any time,
 * not a day's growth. Bar: ≤ 100 MB a day at the defaults.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { LiveMarkets } from '../src/aggregate/live-markets.js';
import { snapshotTick } from '../src/aggregate/snapshot-writer.js';
import { ManualClock } from '../src/core/clock.js';
import type { AggregateRecord, BusinessMetricRecord, InsightRecord, MarketRecord, SourceStatusRecord } from '../src/core/domain.js';
import { createNorthstarPubSub } from '../src/core/pubsub.js';
import { HistoryStore, MarketTickRecorder } from '../src/history/index.js';
import { listMigrationNames, providerPaths } from '../src/history/migration-files.js';
import { decodeTickBlock } from '../src/history/tick-block-codec.js';
import { KalshiMarketModel } from '../src/simulators/kalshi/market-model.js';
import type { Market } from '../src/sources/kalshi/protocol.js';
import { normalizeMarket } from '../src/sources/kalshi/normalize.js';
import { normalizeRestTrade } from '../src/sources/kalshi/normalize-history.js';
import type { TradeRecord } from '../src/core/market-history.js';

const SNAPSHOT_INTERVAL_MS = 5000;
const DAY_S = 86_400;
const SECONDS_SMALL = Number(process.env.BENCH_STORAGE_SECONDS ?? 1800);
const SECONDS_BIG = Number(process.env.BENCH_STORAGE_SECONDS_BIG ?? 300);
const BASELINE_TICKS_BIG = 6;
const T0 = Date.UTC(2026, 10, 24, 12, 0, 0);
/** Seconds before measuring: the first observation of every market and the first keyframe are a start-up cost, not a day's. */
const WARMUP_S = 15;
const MB = 1_000_000;

interface Scenario {
  name: string;
  markets: number;
  /** How many simulator models (23 markets each) move; the others are listed every second, their prices still. */
  movingModels: number;
  seconds: number;
  baselineTicks: number;
}

async function fileBytes(file: string): Promise<number> {
  const size = async (path: string) => (await stat(path).catch(() => ({ size: 0 }))).size;
  return (await size(file)) + (await size(`${file}-wal`));
}

/** Closes nothing; folds the WAL into the file so its size is what is stored. */
function checkpoint(file: string): void {
  const db = new Database(file);
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
}

function tableBytes(file: string): Map<string, number> {
  const db = new Database(file, { readonly: true });
  try {
    const rows = db.prepare('SELECT name, sum(pgsize) AS bytes FROM dbstat GROUP BY name').all() as Array<{ name: string; bytes: number }>;
    return new Map(rows.map((row) => [row.name, row.bytes]));
  } catch {
    return new Map();
  } finally {
    db.close();
  }
}

/**
 * Simulator models (seeds of their own, tickers made unique) enough for `count` markets; the first
 * `movingModels` are stepped (the simulator's change rate), the others keep their first state.
 * One model lists the simulator's default catalog (23 markets, a few more as closed ones are
 * replaced).
 */
function marketSource(count: number, movingModels: number) {
  const models = Array.from({ length: Math.ceil(count / 23) }, (_, i) => new KalshiMarketModel({ startAtMs: T0, seed: 0x5eed + i }));
  const lastTradeSeq = models.map(() => 0);
  return {
    /** The trades the moving models printed since the last call, as the trade channel delivers them. */
    trades(nowMs: number): TradeRecord[] {
      return models.slice(0, movingModels).flatMap((model, m) => {
        const fresh = model.recentTrades().filter((trade) => trade.seq > lastTradeSeq[m]!);
        lastTradeSeq[m] = Math.max(lastTradeSeq[m]!, ...fresh.map((trade) => trade.seq));
        return model
          .recentTradePayloads()
          .filter((wire) => fresh.some((trade) => trade.tradeId === wire.trade_id))
          .map((wire) => ({ ...normalizeRestTrade(m === 0 ? wire : { ...wire, ticker: `${wire.ticker}-S${m}` }, nowMs), origin: 'ws' as const }));
      });
    },
    list(nowMs: number): MarketRecord[] {
      const out: MarketRecord[] = [];
      models.forEach((model, m) => {
        if (m < movingModels) model.step(nowMs);
        for (const wire of model.listMarkets() as unknown as Market[]) {
          if (m > 0 && out.length >= count) return;
          out.push(normalizeMarket(m === 0 ? wire : { ...wire, ticker: `${wire.ticker}-S${m}` }, nowMs, nowMs));
        }
      });
      return out;
    },
  };
}

function statuses(nowMs: number): SourceStatusRecord[] {
  return (['kalshi', 'anthropic', 'john'] as const).map((source, i) => ({
    source,
    breaker: 'CLOSED',
    availability: 'LIVE',
    simulated: true,
    lastSuccessAt: new Date(nowMs - 300 * i).toISOString(),
    lastFailureAt: null,
    consecutiveFailures: 0,
    lastError: null,
    stats: {
      fires: Math.floor((nowMs - T0) / 1000),
      successes: Math.floor((nowMs - T0) / 1000),
      failures: 0,
      timeouts: 0,
      rejects: 0,
      fallbacks: 0,
      latencyMeanMs: 10.127 + i,
    },
  }));
}

function metrics(nowMs: number): BusinessMetricRecord[] {
  // John polls every 15 s: values and provenance move that often.
  const polled = nowMs - (nowMs % 15_000);
  return ['enterprise', 'main', 'smb'].flatMap((agent, a) =>
    ['revenue', 'deals_closed', 'pipeline_value', 'conversion_rate', 'avg_deal_size', 'active_prospects'].map((metricName, k) => ({
      id: `metric:agent:john:${agent}:${metricName}:2026-11-24T12:00:00.000Z`,
      source: 'john' as const,
      agentId: `agent:john:${agent}`,
      metricName,
      metricValue: Math.round(1000 * (a + 1) * (k + 1) + ((polled / 15_000) % 97)),
      metricUnit: metricName === 'revenue' ? 'USD' : 'count',
      period: '2026-11-24T12:00:00.000Z',
      comparisonPeriodValue: 1000 * (a + 1),
      provenance: { originAt: polled, fetchedAt: polled + 2, tier: 'LIVE' as const },
    })),
  );
}

function insight(nowMs: number, tickers: string[]): InsightRecord {
  // An analysis a minute.
  const at = nowMs - (nowMs % 60_000);
  return {
    id: `insight:${at}`,
    source: 'anthropic',
    tickers: tickers.slice(0, 20),
    sentiment: 'NEUTRAL',
    sentimentScore: 0.02,
    keyFactors: ['8 of 20 markets rose and 11 fell since the last analysis', 'spreads are tight', 'volume is steady'],
    riskLevel: 'MEDIUM',
    confidence: 0.7,
    summary: 'Markets are range-bound; no single series dominates the moves.',
    model: 'claude-haiku-4-5',
    provenance: { originAt: at, fetchedAt: at + 900, tier: 'LIVE' },
  } as unknown as InsightRecord;
}

function aggregateAt(nowMs: number, markets: MarketRecord[]): AggregateRecord {
  const pnl = ['agent:john:enterprise', 'agent:john:main', 'agent:john:smb', 'agent:kalshi:macro', 'agent:kalshi:main', 'agent:kalshi:sports'].map(
    (agentId, i) => {
      const unrealized = (((nowMs / 5000) * (i + 1)) % 1000) / 100;
      return {
        agentId,
        revenueUsd: i < 3 ? `${127394 + i}.72` : '0',
        realizedPnlUsd: `${93 + i}.24`,
        unrealizedPnlUsd: unrealized.toFixed(5),
        totalPnlUsd: (93.24 + i + unrealized).toFixed(5),
      };
    },
  );
  return {
    takenAt: new Date(nowMs).toISOString(),
    requestId: randomUUID(),
    markets,
    insight: insight(
      nowMs,
      markets.map((m) => m.ticker),
    ),
    businessMetrics: metrics(nowMs),
    components: statuses(nowMs),
    pnl,
    availabilityScore: 1,
    fetchDurationMs: 1 + (nowMs % 7),
  };
}

/** The old layout's table, from the first migration: every row the whole aggregate, money as REAL. */
async function openBaseline(file: string): Promise<(aggregate: AggregateRecord) => void> {
  const { migrationsDir } = providerPaths('sqlite');
  const [init] = await listMigrationNames(migrationsDir);
  const sql = await readFile(join(migrationsDir, init!, 'migration.sql'), 'utf8');
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.exec(sql);
  const insert = db.prepare(
    `INSERT INTO pnl_snapshots (snapshot_date, snapshot_time, agent_id, availability_score, revenue_usd, realized_pnl_usd, unrealized_pnl_usd, total_pnl_usd,
       aggregated_json, kalshi_data_json, anthropic_analysis_json, john_metrics_json, metadata_json, created_at) VALUES (?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  return db.transaction((aggregate: AggregateRecord) => {
    const tick = snapshotTick(aggregate);
    const at = aggregate.takenAt.replace('Z', '+00:00');
    const date = at.slice(0, 10);
    const metadata = JSON.stringify(tick.metadata);
    insert.run(
      date,
      at,
      null,
      0,
      0,
      0,
      0,
      JSON.stringify(aggregate),
      JSON.stringify(tick.kalshi),
      JSON.stringify(tick.anthropic),
      JSON.stringify(tick.john),
      metadata,
      at,
    );
    for (const pnl of aggregate.pnl) {
      insert.run(
        date,
        at,
        pnl.agentId,
        Number(pnl.revenueUsd),
        Number(pnl.realizedPnlUsd),
        Number(pnl.unrealizedPnlUsd),
        Number(pnl.totalPnlUsd),
        JSON.stringify({ ...aggregate, pnl: [pnl] }),
        null,
        null,
        null,
        metadata,
        at,
      );
    }
  });
}

async function measure(scenario: Scenario, dir: string) {
  const file = join(dir, `${scenario.markets}-${scenario.movingModels}.db`);
  const baselineFile = join(dir, `${scenario.markets}-${scenario.movingModels}-baseline.db`);
  const clock = new ManualClock(T0);
  const store = await HistoryStore.open(`file:${file}`, { clock });
  let startBytes = 0;
  let startTables = new Map<string, number>();
  const live = new LiveMarkets(createNorthstarPubSub(), () => true);
  const recorder = new MarketTickRecorder({ clock, sink: () => store, current: (ticker) => live.get(ticker) });
  recorder.start();
  const source = marketSource(scenario.markets, scenario.movingModels);
  const baseline = await openBaseline(baselineFile);
  const baselineStart = await fileBytes(baselineFile);
  let ticks = 0;
  let jsonBytes = 0;
  let rawSampleBytes = 0;
  let tradeRows = 0;
  const started = performance.now();
  for (let second = 1; second <= WARMUP_S + scenario.seconds; second++) {
    if (second === WARMUP_S + 1) {
      checkpoint(file);
      startBytes = await fileBytes(file);
      startTables = tableBytes(file);
      ticks = 0;
      jsonBytes = 0;
      rawSampleBytes = 0;
      tradeRows = 0;
    }
    await clock.advance(1000);
    const now = clock.now();
    const listing = source.list(now);
    live.upsert(listing, 'refresh');
    recorder.observe(listing);
    const trades = source.trades(now);
    if (trades.length > 0) await store.storeTrades(trades);
    tradeRows += trades.length;
    // The archive keeps one /markets listing every 10 minutes (UpstreamArchive's default; its text, as stored in raw_api_responses).
    if (second % 600 === 0) rawSampleBytes += JSON.stringify({ markets: listing }).length;
    if ((second * 1000) % SNAPSHOT_INTERVAL_MS === 0) {
      const aggregate = aggregateAt(now, live.list());
      await store.writeSnapshotTick(snapshotTick(aggregate));
      jsonBytes += JSON.stringify(aggregate).length;
      if (second > WARMUP_S && ticks < scenario.baselineTicks) baseline(aggregate);
      ticks += 1;
    }
  }
  await recorder.stop();
  await recorder.flush();
  const elapsedS = (performance.now() - started) / 1000;
  await store.close();
  checkpoint(file);
  checkpoint(baselineFile);
  const grown = (await fileBytes(file)) - startBytes;
  const baselineGrown = (await fileBytes(baselineFile)) - baselineStart;
  const perDay = (bytes: number, seconds: number) => (bytes / seconds) * DAY_S;
  const tables = tableBytes(file);
  const part = (...names: string[]) => names.reduce((sum, name) => sum + (tables.get(name) ?? 0) - (startTables.get(name) ?? 0), 0);
  const { tickRows, documents } = (() => {
    const db = new Database(file, { readonly: true });
    // market_ticks holds blocks of ticks (one row per market and minute): count the ticks in them.
    const since = T0 + WARMUP_S * 1000;
    const blocks = db.prepare('SELECT start_ms AS start, body FROM market_ticks WHERE start_ms > ?').all(since - 60_000) as Array<{
      start: number;
      body: Buffer;
    }>;
    const n = blocks.reduce((sum, block) => sum + decodeTickBlock(block.start, block.body).filter((tick) => tick.atMs > since).length, 0);
    const docs = db.prepare('SELECT encoding, count(*) AS n, avg(length(body)) AS bytes FROM snapshot_documents GROUP BY encoding').all() as Array<{
      encoding: string;
      n: number;
      bytes: number;
    }>;
    db.close();
    return { tickRows: n, documents: docs.map((d) => `${d.n} ${d.encoding} of ${Math.round(d.bytes)} B`).join(', ') };
  })();
  return {
    perDay: perDay(grown, scenario.seconds),
    baselinePerDay: perDay(baselineGrown, (scenario.baselineTicks * SNAPSHOT_INTERVAL_MS) / 1000),
    jsonPerDay: perDay(jsonBytes, scenario.seconds),
    /** The samples within one default ttl (an hour): what raw_api_responses holds between retention runs. */
    rawHeld: (rawSampleBytes / scenario.seconds) * 3600,
    snapshotsPerDay: perDay(part('pnl_snapshots', 'idx_agent', 'idx_snapshot_time'), scenario.seconds),
    documentsPerDay: perDay(part('snapshot_documents', 'idx_snapshot_documents_taken_at'), scenario.seconds),
    ticksPerDay: perDay(part('market_ticks', 'market_tickers', 'market_tickers_ticker_key'), scenario.seconds),
    tickRowsPerDay: perDay(tickRows, scenario.seconds),
    tradesPerDay: perDay(part('trades'), scenario.seconds),
    tradeRowsPerDay: perDay(tradeRows, scenario.seconds),
    documents,
    elapsedS,
  };
}

export async function run(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'northstar-storage-bench-'));
  const scenarios: Scenario[] = [
    { name: '23 markets (simulator default)', markets: 23, movingModels: 1, seconds: SECONDS_SMALL, baselineTicks: SECONDS_SMALL / 5 },
    { name: '1,000 markets, 23 moving', markets: 1000, movingModels: 1, seconds: SECONDS_BIG, baselineTicks: BASELINE_TICKS_BIG },
    { name: '1,000 markets, all moving', markets: 1000, movingModels: 44, seconds: SECONDS_BIG, baselineTicks: BASELINE_TICKS_BIG },
  ];
  console.log(`\nhistory bytes per day (SQLite file growth over a simulated period; a snapshot every ${SNAPSHOT_INTERVAL_MS / 1000} s, listings every second)`);
  const mb = (bytes: number) => `${(bytes / MB).toFixed(1)} MB`.padStart(11);
  try {
    for (const scenario of scenarios) {
      const m = await measure(scenario, dir);
      console.log(
        `${scenario.name.padEnd(32)} ${mb(m.perDay)}/day  (snapshot rows ${mb(m.snapshotsPerDay)}, documents ${mb(m.documentsPerDay)}, market ticks ${mb(m.ticksPerDay)} = ${Math.round(m.tickRowsPerDay).toLocaleString('en-US')} ticks, trades ${mb(m.tradesPerDay)} = ${Math.round(m.tradeRowsPerDay).toLocaleString('en-US')} rows)` +
          `   baseline, old layout: ${mb(m.baselinePerDay)}/day; aggregate JSON alone ${mb(m.jsonPerDay)}/day; raw /markets samples held (1 h ttl) ${mb(m.rawHeld)}` +
          `   [${scenario.seconds} s simulated in ${m.elapsedS.toFixed(1)} s; documents: ${m.documents}]`,
      );
      if (scenario.markets === 23)
        console.log(`at the defaults, ≤ 100 MB a day: ${m.perDay <= 100 * MB ? 'yes' : 'NO'} (${mb(m.perDay)} a day, trades included)`);
    }
  } finally {
    if (process.env.BENCH_STORAGE_KEEP) console.log(`kept ${dir}`);
    else await rm(dir, { recursive: true, force: true });
  }
}
