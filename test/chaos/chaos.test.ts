/**
 * The chaos suite: for CHAOS_DURATION_MS (default 60 s), while clients query over HTTP and subscribe
 * over SSE and graphql-ws (clients.ts), the service as an operator runs it (a production-mode child
 * process) meets, in an order drawn from CHAOS_SEED (printed; set it to replay a failure):
 *
 * - every fault kind of every upstream simulator (upstream-faults.ts), one after another;
 * - its Redis (a private redis-server, never the shared one) SIGKILLed and started again on the
 *   same port;
 * - its SQLite file held under an exclusive write lock by another process (sqlite-lock.ts);
 * - itself SIGKILLed and restarted twice on the same DATABASE_URL and CACHE_DIR, each restart with
 *   Kalshi hanging, so that only the durable tiers can answer the market list.
 *
 * Everything is on loopback. It prints one report (requests served, outcomes by code, worst latency,
 * snapshots acknowledged vs readable after each restart) and then asserts the bars: no death but
 * ours, no unhandled rejection, every answer data or a coded GraphQL error with no hung request,
 * every acknowledged snapshot readable after each restart, no corrupt L4 file, and a non-empty
 * market list not served LIVE right after each restart.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FileTier } from '../../src/cache/l4-files.js';
import { systemClock } from '../../src/core/clock.js';
import { loadConfig } from '../../src/core/config.js';
import { silentLogger } from '../../src/core/logger.js';
import { Prng } from '../../src/core/prng.js';
import { startSimulators, type Simulators } from '../../src/simulators/index.js';
import { freePort, requireRedisServerBinary, startRedisServer, type RedisProcess } from '../cache/helpers.js';
import { startServiceProcess, type ServiceProcess } from '../support/service-process.js';
import { until } from '../support/until.js';
import { MARKETS_QUERY, listSnapshots, post, startClients } from './clients.js';
import { holdWriteLock } from '../support/sqlite-lock.js';
import { Tally } from './tally.js';
import { faultCatalogue, shuffled, startFaultLoop } from './upstream-faults.js';

const DURATION_MS = Number(process.env.CHAOS_DURATION_MS ?? 60_000);
const SEED = Number(process.env.CHAOS_SEED ?? Math.floor(Math.random() * 2 ** 32));
/** Long enough that several of the service's writes meet the lock and wait it out on timers (serial-connection.ts). */
const SQLITE_LOCK_MS = Number(process.env.CHAOS_SQLITE_LOCK_MS ?? 6000);
const REDIS_DOWN_MS = 3000;
/** A request unanswered after this long is a hung request. */
const REQUEST_TIMEOUT_MS = 15_000;

interface RestartReport {
  restart: number;
  downMs: number;
  acknowledged: number;
  readable: number;
  missing: string[];
  /** The market list right after the restart, with Kalshi hanging: how many, and from which tiers. */
  markets: number;
  tiers: Record<string, number>;
}

interface L4Check {
  after: string;
  files: number;
  entries: number;
  bad: string[];
}

interface Quality {
  cacheTier: string;
}

/** Every L4 file under CACHE_DIR parses as the tier's format, and the tier's own reader takes every one. */
async function checkL4(cacheDir: string, after: string): Promise<L4Check> {
  const directory = join(cacheDir, 'fallback');
  const names = (await readdir(directory).catch(() => [] as string[])).filter((name) => name.endsWith('.json'));
  const bad: string[] = [];
  for (const name of names) {
    try {
      const body = JSON.parse(await readFile(join(directory, name), 'utf8')) as { format?: unknown; entries?: unknown };
      if (body.format !== 'northstar-cache-l4' || typeof body.entries !== 'object' || body.entries === null) bad.push(`${name}: not an L4 body`);
    } catch (error) {
      bad.push(`${name}: ${String(error)}`);
    }
  }
  const loaded = await new FileTier({ cacheDir, clock: systemClock }).loadAll();
  bad.push(...loaded.skipped.map((name) => `${name}: skipped by FileTier.loadAll`));
  return { after, files: names.length, entries: loaded.entries, bad };
}

/** Log lines and stderr that show an unhandled rejection or uncaught exception. */
function fatalSigns(service: ServiceProcess): string[] {
  const lines = service.logs
    .filter((line) => line.event === 'unhandledRejection' || line.event === 'uncaughtException' || Number(line.level) >= 60)
    .map((line) => JSON.stringify(line).slice(0, 300));
  const stderr = service.stderr();
  if (/unhandledRejection|Unhandled|uncaughtException/i.test(stderr)) lines.push(`stderr: ${stderr.slice(0, 500)}`);
  return lines;
}

const cleanups: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
});

describe('chaos', () => {
  it(
    `keeps every bar for ${DURATION_MS / 1000} s of upstream faults, a Redis kill, a held SQLite lock and two SIGKILLs (CHAOS_SEED=${SEED})`,
    { timeout: DURATION_MS + 120_000 },
    async () => {
      console.log(`[chaos] seed ${SEED} (replay: CHAOS_SEED=${SEED}), duration ${DURATION_MS} ms`);
      const prng = new Prng(SEED);
      requireRedisServerBinary();
      const dir = await mkdtemp(join(tmpdir(), 'northstar-chaos-'));
      cleanups.push(() => rm(dir, { recursive: true, force: true }));
      const dbPath = join(dir, 'n.db');
      const cacheDir = join(dir, 'cache');

      // The upstreams: the bundled simulators, in this process, so their faults change at will.
      const sims: Simulators = await startSimulators({
        config: loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent' }),
        clock: systemClock,
        logger: silentLogger,
      });
      cleanups.push(() => sims.close());
      const kalshi = sims.kalshi!;
      let redis: RedisProcess = await startRedisServer(await freePort());
      cleanups.push(() => redis.kill());
      const port = await freePort();
      const env: Record<string, string> = {
        PORT: String(port),
        HOST: '127.0.0.1',
        DATABASE_URL: `file:${dbPath}`,
        CACHE_DIR: cacheDir,
        REDIS_URL: redis.url,
        SIMULATORS: 'none',
        KALSHI_BASE_URL: kalshi.baseUrl,
        KALSHI_WS_URL: kalshi.wsUrl!,
        KALSHI_API_KEY: kalshi.credentials.keyId,
        KALSHI_PRIVATE_KEY: kalshi.credentials.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
        KALSHI_SUBACCOUNTS: kalshi.subaccounts.join(','),
        ANTHROPIC_BASE_URL: sims.anthropic!.baseUrl,
        ANTHROPIC_API_KEY: sims.anthropic!.apiKey,
        ANTHROPIC_TIMEOUT_MS: '2000',
        INSIGHT_INTERVAL_MS: '1000',
        INSIGHT_BUDGET_CALLS_PER_HOUR: '100000',
        JOHN_BASE_URL: sims.john!.baseUrl,
        JOHN_ENDPOINT: 'all',
        JOHN_POLL_INTERVAL_MS: '1000',
        SNAPSHOT_INTERVAL_MS: '1000',
        // L4 files rewritten twice a second: the SIGKILLs land while they are being written.
        CACHE_L4_SNAPSHOT_MS: '500',
      };

      const tally = new Tally();
      const processes: ServiceProcess[] = [];
      const ourKills = new Set<ServiceProcess>();
      const diedOnItsOwn: string[] = [];
      const start = async (): Promise<ServiceProcess> => {
        const service = await startServiceProcess(env);
        processes.push(service);
        cleanups.push(() => service.dispose());
        service.exited.then(
          (code) => {
            if (!ourKills.has(service))
              diedOnItsOwn.push(`run ${processes.indexOf(service) + 1} exited with ${String(code)} (signal ${String(service.child.signalCode)})`);
          },
          () => undefined,
        );
        return service;
      };
      const url = `http://127.0.0.1:${port}/graphql`;
      const since = new Date(Date.now() - 1000);
      let service = await start();
      const ask = { url, tally, requestTimeoutMs: REQUEST_TIMEOUT_MS, since };

      const ticker = await until('the first run to list markets', 30_000, async () => {
        const body = (await post(ask, 'markets', MARKETS_QUERY)) as { data?: { markets: Array<{ ticker: string }> } } | null;
        return body?.data?.markets[0]?.ticker ?? null;
      });
      const clients = startClients({ ...ask, ticker, workers: 3, paceMs: 40 });
      cleanups.push(() => clients.stop());
      const catalogue = faultCatalogue(sims);
      const holdMs = Math.max(200, Math.floor((DURATION_MS * 0.6) / catalogue.length));
      const faults = startFaultLoop(catalogue, prng, holdMs);
      cleanups.push(() => faults.stop());

      const restarts: RestartReport[] = [];
      const l4Checks: L4Check[] = [];
      const lock = { heldMs: 0, from: 0, to: 0 };
      const redisDown = { ms: 0 };

      const killAndRestart = async (): Promise<void> => {
        // Kalshi hangs from now until the restarted process has answered: only durable tiers can.
        faults.pause();
        await clients.acknowledgeNow();
        const acknowledged = new Map(clients.acknowledged);
        kalshi.rest.injectFault({ kind: 'hang' });
        kalshi.ws!.injectFault({ kind: 'reject-handshake', status: 503 });
        const killedAt = performance.now();
        tally.killing();
        ourKills.add(service);
        await service.signal('SIGKILL');
        expect(service.child.signalCode).toBe('SIGKILL');
        l4Checks.push(await checkL4(cacheDir, `SIGKILL ${restarts.length + 1}`));
        service = await start();
        tally.up();
        const downMs = Math.round(performance.now() - killedAt);
        const body = (await post(ask, 'markets after restart', MARKETS_QUERY)) as { data?: { markets: Array<{ quality: Quality }> } } | null;
        const markets = body?.data?.markets ?? [];
        const tiers: Record<string, number> = {};
        for (const market of markets) tiers[market.quality.cacheTier] = (tiers[market.quality.cacheTier] ?? 0) + 1;
        const listed = (await listSnapshots(ask)) ?? new Map<string, string>();
        const missing = [...acknowledged.keys()].filter((id) => !listed.has(id));
        // And one by one through node(id), for the newest few.
        for (const id of [...acknowledged.keys()].slice(0, 3)) {
          const answer = (await post(ask, 'node(snapshot)', `query One($id: ID!) { node(id: $id) { id ... on Snapshot { takenAt } } }`, { id })) as {
            data?: { node: { id: string } | null };
          } | null;
          if (answer?.data?.node?.id !== id && !missing.includes(id)) missing.push(id);
        }
        restarts.push({
          restart: restarts.length + 1,
          downMs,
          acknowledged: acknowledged.size,
          readable: acknowledged.size - missing.length,
          missing,
          markets: markets.length,
          tiers,
        });
        kalshi.rest.clearFault();
        kalshi.ws!.clearFault();
        faults.resume();
      };
      const events: Record<string, () => Promise<void>> = {
        'redis kill': async () => {
          const killedAt = performance.now();
          await redis.kill();
          await new Promise((resolve) => setTimeout(resolve, REDIS_DOWN_MS));
          redis = await startRedisServer(redis.port);
          redisDown.ms = Math.round(performance.now() - killedAt);
        },
        'sqlite lock': async () => {
          const held = await holdWriteLock(dbPath, SQLITE_LOCK_MS);
          lock.from = performance.now();
          lock.heldMs = Math.round(await held.released);
          lock.to = performance.now();
        },
        'service kill 1': killAndRestart,
        'service kill 2': killAndRestart,
      };
      // The four disruptions at fixed points of the window, in a seeded order.
      const order = shuffled(Object.keys(events), prng);
      console.log(`[chaos] disruptions in order: ${order.join(', ')}; ${catalogue.length} upstream faults, ${holdMs} ms each`);
      const windowStart = performance.now();
      const slots = [0.12, 0.34, 0.56, 0.78];
      const timeline: string[] = [];
      for (const [index, name] of order.entries()) {
        const wait = windowStart + slots[index]! * DURATION_MS - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        timeline.push(`${name} at ${Math.round(performance.now() - windowStart)} ms`);
        await events[name]!();
      }
      const rest = windowStart + DURATION_MS - performance.now();
      if (rest > 0) await new Promise((resolve) => setTimeout(resolve, rest));
      // Every fault at least once (the pauses around restarts may have held the loop back).
      await until('every upstream fault injected once', catalogue.length * holdMs + 5000, () =>
        new Set(faults.injected.map((fault) => `${fault.target} ${fault.text}`)).size === catalogue.length ? true : null,
      );
      // A restart late in the window on a loaded machine can leave the subscriptions still
      // reconnecting when it ends: give them until they deliver (the bar below still holds).
      await until('both transports to deliver after the last restart', 30_000, () => {
        const last = tally.eventsByEpoch.at(-1)!;
        return last.sse > 0 && last.ws > 0 ? true : null;
      }).catch(() => undefined);
      await faults.stop();
      await clients.stop();

      // The last run ends as an operator ends it: SIGTERM, exit 0, a last L4 snapshot.
      await clients.acknowledgeNow();
      ourKills.add(service);
      const { code: lastExit } = await service.signal('SIGTERM');
      l4Checks.push(await checkL4(cacheDir, 'SIGTERM'));
      const fatal = processes.flatMap(fatalSigns);
      const logsAt = (level: number): Record<string, number> => {
        const byMessage = new Map<string, number>();
        for (const line of processes.flatMap((p) => p.logs).filter((l) => Number(l.level) === level)) {
          const msg = String(line.msg).slice(0, 80);
          byMessage.set(msg, (byMessage.get(msg) ?? 0) + 1);
        }
        return Object.fromEntries([...byMessage.entries()].sort((a, b) => b[1] - a[1]).slice(0, 8));
      };
      const lockedLines = processes
        .flatMap((p) => p.logs)
        .filter((l) => /SQLITE_BUSY|database is locked/i.test(JSON.stringify(l)))
        .map((l) => `${String(l.level)} ${String(l.msg)}`);

      const outcomes = Object.fromEntries([...tally.outcomes.entries()].sort((a, b) => b[1] - a[1]));
      console.log(
        [
          `[chaos] report (CHAOS_SEED=${SEED}, ${DURATION_MS} ms)`,
          `  served: ${tally.served.http} HTTP requests, ${tally.served.sse} SSE events, ${tally.served.ws} graphql-ws events`,
          `  subscription events per run: ${tally.eventsByEpoch.map((run, i) => `run ${i + 1} sse ${run.sse} ws ${run.ws}`).join('; ')}`,
          `  outcomes: ${JSON.stringify(outcomes)}`,
          `  latency: p50 ${Math.round(tally.quantile(0.5))} ms, p99 ${Math.round(tally.quantile(0.99))} ms, worst ${Math.round(tally.worst.ms)} ms (${tally.worst.what}, ended at ${Math.round(tally.worst.endedAt - windowStart)} ms)`,
          `  timeline: ${timeline.join(', ')}`,
          `  upstream faults injected: ${faults.injected.length} (${catalogue.length} kinds/forms)`,
          `  redis down ${redisDown.ms} ms; sqlite locked ${lock.heldMs} ms (worst request ending then or within 1 s after: ${Math.round(tally.quantile(1, lock.from, lock.to + 1000))} ms)`,
          ...restarts.map(
            (r) =>
              `  restart ${r.restart}: down ${r.downMs} ms; snapshots acknowledged ${r.acknowledged}, readable ${r.readable}; markets ${r.markets} from ${JSON.stringify(r.tiers)}`,
          ),
          `  L4: ${l4Checks.map((c) => `after ${c.after} ${c.files} files ${c.entries} entries ${c.bad.length} bad`).join('; ')}`,
          `  final: ${clients.acknowledged.size} snapshots acknowledged; last run exited ${String(lastExit)} on SIGTERM`,
          `  log lines naming a locked database: ${lockedLines.length} ${JSON.stringify(lockedLines.slice(0, 3))}`,
          `  error logs: ${JSON.stringify(logsAt(50))}`,
          `  warn logs: ${JSON.stringify(logsAt(40))}`,
          ...tally.violations.slice(0, 20).map((v) => `  VIOLATION at ${Math.round(v.at - windowStart)} ms ${v.transport} ${v.what}: ${v.detail}`),
        ].join('\n'),
      );

      expect(diedOnItsOwn).toEqual([]);
      expect(lastExit).toBe(0);
      expect(fatal).toEqual([]);
      expect(tally.violations.map(({ transport, what, detail }) => ({ transport, what, detail }))).toEqual([]);
      expect(tally.worst.ms).toBeLessThan(REQUEST_TIMEOUT_MS);
      expect(restarts).toHaveLength(2);
      for (const restart of restarts) {
        expect(restart.acknowledged).toBeGreaterThan(0);
        expect(restart.missing).toEqual([]);
        expect(restart.markets).toBeGreaterThan(0);
        expect(restart.tiers.LIVE ?? 0).toBe(0);
      }
      for (const check of l4Checks) expect(check.bad).toEqual([]);
      expect(l4Checks.at(-1)!.entries).toBeGreaterThan(0);
      // Both transports kept delivering after the last restart: they came back by themselves.
      expect(tally.eventsByEpoch.at(-1)!.sse).toBeGreaterThan(0);
      expect(tally.eventsByEpoch.at(-1)!.ws).toBeGreaterThan(0);
    },
  );
});
