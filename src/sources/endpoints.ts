/**
 * Where each source reads from: the upstream's URL and key from configuration, or, for the sources
 * SIMULATORS runs simulated, the URLs and keys of the simulators the composition root started
 * (src/simulators/). Sources get only what is decided here, and every endpoint says whether it is
 * a simulator, so every record made from it is stamped `simulated` (DataQuality.simulated).
 *
 * The startup log names each source's mode and URL; in production a simulated source is a warning,
 * since its prices are invented.
 */
import type { Config, JohnEndpoint } from '../core/config.js';
import type { SourceId } from '../core/domain.js';
import { ConfigError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { AnthropicSourceDeps } from './anthropic/anthropic-source.js';
import type { JohnSourceDeps } from './john/john-source.js';
import type { KalshiEndpoint } from './kalshi/kalshi-source.js';
import { loadKalshiCredentials, type KalshiCredentials } from './kalshi/signing.js';

/** What the started simulators offer the sources (src/simulators/index.ts `Simulators` has this shape). */
export interface SimulatedUpstreams {
  kalshi: { baseUrl: string; wsUrl: string | null; credentials: KalshiCredentials; subaccounts: number[] } | null;
  anthropic: { baseUrl: string; apiKey: string } | null;
  john: { baseUrl: string; endpoint: JohnEndpoint } | null;
  simulated: readonly SourceId[];
}

export interface SourceEndpoints {
  kalshi: KalshiEndpoint;
  anthropic: AnthropicSourceDeps['endpoint'];
  john: JohnSourceDeps['endpoint'];
}

/** KALSHI_API_KEY with its private key, or null (public market data only); a bad key is a configuration error. */
function kalshiCredentials(config: Config): KalshiCredentials | null {
  try {
    return loadKalshiCredentials(config.kalshi);
  } catch (error) {
    throw new ConfigError(`Invalid configuration: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/**
 * Each source's endpoint: a simulator's when one runs for it, else configuration's (config.ts
 * guarantees a URL for every source that runs no simulator). Logs what was chosen.
 */
export function resolveEndpoints(config: Config, sims: SimulatedUpstreams, logger: Logger): SourceEndpoints {
  const endpoints: SourceEndpoints = {
    kalshi: sims.kalshi
      ? {
          baseUrl: sims.kalshi.baseUrl,
          wsUrl: sims.kalshi.wsUrl,
          credentials: sims.kalshi.credentials,
          subaccounts: config.kalshi.subaccounts ?? sims.kalshi.subaccounts,
          simulated: true,
        }
      : {
          baseUrl: config.kalshi.baseUrl!,
          wsUrl: config.kalshi.wsUrl,
          credentials: kalshiCredentials(config),
          subaccounts: config.kalshi.subaccounts ?? [0],
          simulated: false,
        },
    anthropic: sims.anthropic
      ? { baseUrl: sims.anthropic.baseUrl, apiKey: sims.anthropic.apiKey, simulated: true }
      : { baseUrl: config.anthropic.baseUrl!, apiKey: config.anthropic.apiKey, simulated: false },
    john: sims.john
      ? { baseUrl: sims.john.baseUrl, read: config.john.endpoint ?? sims.john.endpoint, simulated: true }
      : { baseUrl: config.john.baseUrl!, read: config.john.endpoint ?? { kind: 'single' }, simulated: false },
  };
  for (const source of ['kalshi', 'anthropic', 'john'] as const) {
    const { baseUrl, simulated } = endpoints[source];
    logger.info({ source, mode: simulated ? 'simulated' : 'live', baseUrl }, `source ${source}`);
  }
  if (config.nodeEnv === 'production' && sims.simulated.length > 0) {
    logger.warn(
      { simulated: sims.simulated },
      `SIMULATORS runs ${sims.simulated.join(', ')} on the bundled simulators in production: invented prices are being served`,
    );
  }
  if (config.kalshi.wsUrl && !endpoints.kalshi.credentials) {
    logger.warn('KALSHI_WS_URL is set without KALSHI_API_KEY and a private key: Kalshi refuses unsigned WebSocket handshakes');
  }
  return endpoints;
}
