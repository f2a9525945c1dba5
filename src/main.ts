/**
 * Entry point: parse the configuration (refuse to start on a bad value, naming the variable), start
 * the service, and shut down gracefully on SIGINT/SIGTERM (a second signal exits at once). An
 * unhandled rejection or uncaught exception anywhere is logged as one fatal line and exits 1
 * (core/process-guards.ts).
 */
import { loadConfig, type Config } from './core/config.js';
import { ConfigError } from './core/errors.js';
import { createLogger } from './core/logger.js';
import { installProcessGuards } from './core/process-guards.js';
import { createApp } from './app.js';

/**
 * How long after SHUTDOWN_TIMEOUT_MS the process gives up on a shutdown that has not ended. The
 * shutdown bounds itself within SHUTDOWN_TIMEOUT_MS + 1.2 s (app.ts), so this only catches a bug
 * in those bounds; it exits 1 when it does.
 */
const SHUTDOWN_BACKSTOP_MS = 1_800;

let config: Config;
try {
  config = loadConfig(process.env);
} catch (error) {
  if (error instanceof ConfigError) {
    process.stderr.write(`northstar: ${error.message}\n`);
    process.exit(1);
  }
  throw error;
}

const logger = createLogger(config);
type Phase = 'starting' | 'serving' | 'stopping';
// Changed by the signal handlers as well: typed wide, so a check after an await is not narrowed away.
let phase = 'starting' as Phase;
installProcessGuards({ logger, context: () => ({ phase }) });
const app = await createApp({ config, logger });

// Installed before start(): a signal while startup still waits on a slow upstream stops too.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (phase === 'stopping') {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    const during = phase;
    phase = 'stopping';
    logger.info({ signal, during, shutdownTimeoutMs: config.shutdownTimeoutMs }, 'shutting down');
    // Referenced (unlike the shutdown's own timers), so the process also stays up until stop() ends.
    setTimeout(() => {
      logger.fatal({ afterMs: config.shutdownTimeoutMs + SHUTDOWN_BACKSTOP_MS }, 'shutdown did not end in time: exiting');
      process.exit(1);
    }, config.shutdownTimeoutMs + SHUTDOWN_BACKSTOP_MS);
    app
      .stop()
      .then((report) => {
        // Exit 0 either way: the process stopped when asked, and the stores were closed (or tried).
        // Steps that failed or ran out of time were logged by name as they happened. (A startup
        // still under way is simply left behind: the process ends here.)
        const unclean = report.steps.filter((step) => step.outcome !== 'done').map((step) => `${step.name}: ${step.outcome}`);
        if (unclean.length === 0) logger.info({ durationMs: report.durationMs }, 'stopped cleanly');
        else logger.warn({ durationMs: report.durationMs, unclean }, 'stopped; some steps failed or ran out of time');
        process.exit(0);
      })
      .catch((error: unknown) => {
        logger.fatal({ err: error }, 'shutdown failed');
        process.exit(1);
      });
  });
}

// The clock's timers are unref'd, so a startup that waits only on them (retry backoff while every
// upstream refuses) would let the event loop empty and Node exit 13 mid-await. Hold it open.
const startupHold = setInterval(() => undefined, 60_000);
try {
  await app.start();
  if (phase === 'starting') phase = 'serving';
} catch (error) {
  // Stopped by a signal while starting: that shutdown decides how the process ends.
  if (phase !== 'stopping') {
    logger.fatal({ err: error }, 'startup failed');
    phase = 'stopping';
    await app.stop();
    process.exit(1);
  }
} finally {
  clearInterval(startupHold);
}
