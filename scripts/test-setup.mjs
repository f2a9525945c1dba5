// `npm test` runs this before vitest: it makes sure the things the suite talks to are there, so the
// README's test command is all a newcomer types (and .ci/run calls that same command).
//   - Redis at TEST_REDIS_URL (default redis://127.0.0.1:6379, where the tests look), and the
//     redis-server binary on PATH (the kill tests start redis-servers of their own);
//   - PostgreSQL at TEST_POSTGRES_URL (default postgresql://postgres@127.0.0.1:5432/test);
//   - Debian's Chromium at /usr/bin/chromium (the GraphiQL and dashboard browser tests);
//   - dist/dashboard/ built from the current dashboard/ (the serving and browser tests load it).
// A loopback service that is down is started (Debian's cluster for that port; a redis-server of
// our own that keeps nothing on disk); a missing package is installed with apt-get when running as
// root. Otherwise it says in one line what is missing and exits 1 before any test runs.
// Only built-in modules: this runs before anything else is known to work.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureDashboard } from './dashboard-build.mjs';

const REDIS_URL = new URL(process.env.TEST_REDIS_URL || 'redis://127.0.0.1:6379');
const POSTGRES_URL = new URL(process.env.TEST_POSTGRES_URL || 'postgresql://postgres@127.0.0.1:5432/test');
const CHROMIUM = '/usr/bin/chromium';
const isRoot = process.getuid?.() === 0;
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

const log = (message) => console.log(`[test-setup] ${message}`);
const problems = [];
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const hostOf = (url) => url.hostname.replace(/^\[(.*)\]$/, '$1');
const portOf = (url, fallback) => Number(url.port || fallback);
const onPath = (command) => spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
const run = (command, args, options = {}) => spawnSync(command, args, { stdio: ['ignore', 'inherit', 'inherit'], ...options });

let aptUpdated = false;
/** apt-get install as root; false (with a reason in `problems`) where that is not possible. */
function aptInstall(pkg, why) {
  if (!isRoot || !onPath('apt-get')) {
    problems.push(`${why}: install Debian's ${pkg} (apt-get install ${pkg}); not root, so not installing it here`);
    return false;
  }
  log(`installing ${pkg} (${why})`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  if (!aptUpdated && run('apt-get', ['update', '-qq'], { env }).status !== 0) {
    problems.push(`${why}: apt-get update failed`);
    return false;
  }
  aptUpdated = true;
  if (run('apt-get', ['install', '-y', '-qq', pkg], { env, stdio: ['ignore', 'ignore', 'inherit'] }).status !== 0) {
    problems.push(`${why}: apt-get install ${pkg} failed`);
    return false;
  }
  return true;
}

/** Opens a TCP connection, writes `hello`, resolves with the first bytes answered (null: nothing). */
function probe(host, port, hello, timeoutMs = 1000) {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (value) => {
      socket.destroy();
      resolve(value);
    };
    socket.setTimeout(timeoutMs, () => done(null));
    socket.once('error', () => done(null));
    socket.once('connect', () => socket.write(hello));
    socket.once('data', (data) => done(data));
  });
}

async function waitFor(check, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await sleep(200);
  }
  return false;
}

// ---- Redis -------------------------------------------------------------------------------------
async function redisAnswers() {
  const reply = await probe(hostOf(REDIS_URL), portOf(REDIS_URL, 6379), 'PING\r\n');
  return reply?.toString('latin1').startsWith('+PONG') ?? false;
}

async function ensureRedis() {
  // The kill tests spawn redis-servers of their own, so the binary is needed even when Redis is up.
  if (!onPath('redis-server') && !aptInstall('redis-server', 'the Redis tests need redis-server on PATH')) return;
  if (await redisAnswers()) return log(`Redis answers at ${REDIS_URL.href}`);
  const port = portOf(REDIS_URL, 6379);
  if (!LOOPBACK.has(REDIS_URL.hostname)) {
    problems.push(`Redis does not answer at ${REDIS_URL.href} and is not on this machine: start it, or unset TEST_REDIS_URL`);
    return;
  }
  // As root, the machine's own places (the same command this machine kind starts Redis with);
  // otherwise a folder of our own.
  const dir = isRoot ? '/var/lib/redis' : join(tmpdir(), 'northstar-redis');
  const logDir = isRoot ? '/var/log/redis' : dir;
  mkdirSync(dir, { recursive: true });
  mkdirSync(logDir, { recursive: true });
  const logfile = join(logDir, port === 6379 ? 'ci.log' : `ci-${port}.log`);
  log(`starting redis-server on port ${port} (log: ${logfile})`);
  const args = [
    '--daemonize',
    'yes',
    '--bind',
    '127.0.0.1',
    '-::1',
    '--port',
    String(port),
    '--save',
    '',
    '--appendonly',
    'no',
    '--dir',
    dir,
    '--logfile',
    logfile,
  ];
  const started = run('redis-server', args);
  if (started.status !== 0 || !(await waitFor(redisAnswers, 5000))) {
    problems.push(`Redis did not come up at ${REDIS_URL.href} (see ${logfile})`);
    return;
  }
  log(`Redis is up at ${REDIS_URL.href}`);
}

// ---- PostgreSQL --------------------------------------------------------------------------------
/** pg_isready where installed (it also tells a server that is still starting); else an SSLRequest. */
async function postgresAnswers() {
  const host = hostOf(POSTGRES_URL);
  const port = portOf(POSTGRES_URL, 5432);
  if (onPath('pg_isready')) return spawnSync('pg_isready', ['-q', '-h', host, '-p', String(port), '-t', '2']).status === 0;
  const sslRequest = Buffer.from([0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f]);
  const reply = await probe(host, port, sslRequest);
  return reply !== null && (reply[0] === 0x53 || reply[0] === 0x4e); // 'S' or 'N'
}

/** Debian's cluster listening on `port`: [version, name], or null. */
function clusterOnPort(port) {
  if (!onPath('pg_lsclusters')) return null;
  const listing = spawnSync('pg_lsclusters', ['--no-header'], { encoding: 'utf8' });
  for (const line of (listing.stdout ?? '').split('\n')) {
    const [version, name, clusterPort] = line.trim().split(/\s+/);
    if (version && name && Number(clusterPort) === port) return [version, name];
  }
  return null;
}

async function ensurePostgres() {
  if (await postgresAnswers()) return log(`PostgreSQL answers at ${POSTGRES_URL.host}`);
  const port = portOf(POSTGRES_URL, 5432);
  if (!LOOPBACK.has(POSTGRES_URL.hostname)) {
    problems.push(`PostgreSQL does not answer at ${POSTGRES_URL.host} and is not on this machine: start it, or unset TEST_POSTGRES_URL`);
    return;
  }
  if (!onPath('pg_ctlcluster') && !aptInstall('postgresql', `the history tests need PostgreSQL at ${POSTGRES_URL.host}`)) return;
  // A fresh Debian install may have started its cluster already.
  if (await waitFor(postgresAnswers, 1000)) return log(`PostgreSQL answers at ${POSTGRES_URL.host}`);
  const cluster = clusterOnPort(port);
  if (!cluster) {
    problems.push(`PostgreSQL does not answer at ${POSTGRES_URL.host} and no cluster of this machine listens on port ${port} (pg_lsclusters)`);
    return;
  }
  log(`starting PostgreSQL cluster ${cluster.join('/')} (port ${port})`);
  run('pg_ctlcluster', ['--skip-systemctl-redirect', ...cluster, 'start']);
  if (!(await waitFor(postgresAnswers, 20_000))) {
    problems.push(
      `PostgreSQL cluster ${cluster.join('/')} did not come up at ${POSTGRES_URL.host}${isRoot ? '' : ' (starting it needs root or the cluster owner)'}`,
    );
    return;
  }
  log(`PostgreSQL is up at ${POSTGRES_URL.host}`);
}

// ---- Chromium ----------------------------------------------------------------------------------
function ensureChromium() {
  if (existsSync(CHROMIUM)) return;
  if (!aptInstall('chromium', `the GraphiQL browser test needs ${CHROMIUM}`)) return;
  if (existsSync(CHROMIUM)) log(`installed ${CHROMIUM}`);
  else problems.push(`${CHROMIUM} is still missing after installing Debian's chromium`);
}

await ensureRedis();
await ensurePostgres();
ensureChromium();
const dashboardProblem = ensureDashboard(log);
if (dashboardProblem) problems.push(dashboardProblem);
if (problems.length) {
  for (const problem of problems) console.error(`[test-setup] ${problem}`);
  console.error('[test-setup] not running the tests (`npx vitest run` runs them without this check)');
  process.exit(1);
}
