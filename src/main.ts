/**
 * Entry point: parse the configuration (refuse to start on a bad value, naming the variable), start
 * the service, and shut down gracefully on SIGINT/SIGTERM (a second signal exits at once).
 */
import { loadConfig, type Config } from './core/config.js';
import { ConfigError } from './core/errors.js';
import { createLogger } from './core/logger.js';
import { createApp } from './app.js';

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
const app = await createApp({ config, logger });

try {
  await app.start();
} catch (error) {
  logger.fatal({ err: error }, 'startup failed');
  await app.stop().catch(() => undefined);
  process.exit(1);
}

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, 'shutting down');
    app.stop().then(
      () => {
        logger.info('stopped cleanly');
        logger.flush?.();
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  });
}
