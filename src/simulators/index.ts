/**
 * The bundled simulators, started by the composition root only for the sources SIMULATORS asks
 * for (config.simulators). Each answers on a loopback port in its upstream's documented wire
 * format, so a source cannot tell a simulator from the real host: the sources (src/sources/) get
 * URLs and credentials from here or from configuration, and never import a simulator.
 *
 * What running on a simulator changes besides the URL is decided here too: the simulator's key
 * pair (Kalshi signs the same way against it), the simulated account's subaccounts and their
 * agent attribution, John's every-agent extension, a placeholder Anthropic key, and the faults
 * from the `*_SIM_FAULT` variables.
 */
import type { Clock } from '../core/clock.js';
import type { Config, JohnEndpoint } from '../core/config.js';
import type { SourceId } from '../core/domain.js';
import type { Logger } from '../core/logger.js';
import type { AttributionRule } from '../aggregate/attribution.js';
import type { KalshiCredentials } from '../sources/kalshi/signing.js';
import { parseAnthropicFault, startAnthropicSimulator, type AnthropicSimulator } from './anthropic/index.js';
import { parseSimulatorFault } from './fault.js';
import { parseJohnFault } from './john/faults.js';
import { startJohnSimulator, type JohnSimulator } from './john/server.js';
import { DEFAULT_SIMULATED_ATTRIBUTION } from './kalshi/attribution.js';
import { createSimulatorCredentials } from './kalshi/rest-auth.js';
import { parseKalshiRestFault } from './kalshi/rest-faults.js';
import { startKalshiRestSimulator, type KalshiRestSimulator } from './kalshi/rest-server.js';
import { parseKalshiWsFault } from './kalshi/ws-faults.js';
import { startKalshiWsSimulator, type KalshiWsSimulator } from './kalshi/ws-server.js';

/** Where the Kalshi source reads from when it runs on the simulators, and what the simulated account looks like. */
export interface SimulatedKalshi {
  rest: KalshiRestSimulator;
  /** null when KALSHI_WS_URL points the feed elsewhere. */
  ws: KalshiWsSimulator | null;
  baseUrl: string;
  wsUrl: string | null;
  /** The configured key, or a key pair made at startup whose public half the simulators check. */
  credentials: KalshiCredentials;
  /** The simulated account's subaccounts (KALSHI_SUBACCOUNTS overrides). */
  subaccounts: number[];
  /** Series → agents for the simulator's catalog (AGENT_ATTRIBUTION overrides). */
  attribution: readonly AttributionRule[];
}

export interface SimulatedAnthropic {
  server: AnthropicSimulator;
  baseUrl: string;
  /** The simulator checks no key unless told to; any placeholder satisfies the SDK. */
  apiKey: string;
}

export interface SimulatedJohn {
  server: JohnSimulator;
  baseUrl: string;
  /** The simulator has the every-agent extension, so one poll sees every agent (JOHN_ENDPOINT overrides). */
  endpoint: JohnEndpoint;
}

export interface Simulators {
  readonly kalshi: SimulatedKalshi | null;
  readonly anthropic: SimulatedAnthropic | null;
  readonly john: SimulatedJohn | null;
  /** The sources running on a simulator, for /ready, the startup log and `quality.simulated`. */
  readonly simulated: readonly SourceId[];
  close(): Promise<void>;
}

export interface StartSimulatorsOptions {
  config: Config;
  clock: Clock;
  logger: Logger;
}

const SIMULATOR_ANTHROPIC_KEY = 'sk-ant-simulator';

/** Starts the simulators config.simulators asks for; a bad `*_SIM_FAULT` rejects before any starts. */
export async function startSimulators({ config, clock, logger }: StartSimulatorsOptions): Promise<Simulators> {
  const want = config.simulators;
  // Parsed first: a bad fault stops startup with one line, before any port is opened.
  const kalshiFault = parseSimulatorFault('KALSHI_SIM_FAULT', config.kalshi.simulatorFault, parseKalshiRestFault);
  const kalshiWsFault = parseSimulatorFault('KALSHI_WS_SIM_FAULT', config.kalshi.wsSimulatorFault, parseKalshiWsFault);
  const anthropicFault = parseSimulatorFault('ANTHROPIC_SIM_FAULT', config.anthropic.simulatorFault, parseAnthropicFault);
  const johnFault = parseSimulatorFault('JOHN_SIM_FAULT', config.john.simulatorFault, parseJohnFault);

  const started: Array<{ close(): Promise<void> }> = [];
  const close = async (): Promise<void> => {
    await Promise.allSettled(started.reverse().map((simulator) => simulator.close()));
  };
  try {
    let kalshi: SimulatedKalshi | null = null;
    if (want.kalshi) {
      const configuredKeyId = config.kalshi.apiKeyId;
      const keys = createSimulatorCredentials(configuredKeyId ?? 'northstar-simulated');
      const rest = await startKalshiRestSimulator({
        clock,
        logger: logger.child({ component: 'kalshi-simulator' }),
        publicKey: keys.publicKey,
        apiKeyId: keys.credentials.keyId,
        modelOptions: { eventsPerSeries: config.kalshi.simulatorEventsPerSeries },
      });
      started.push(rest);
      if (kalshiFault) rest.injectFault(kalshiFault);
      const ws = config.kalshi.wsUrl
        ? null
        : await startKalshiWsSimulator({ model: rest.model, clock, logger: logger.child({ component: 'kalshi-ws-simulator' }), publicKey: keys.publicKey });
      if (ws) started.push(ws);
      if (ws && kalshiWsFault) ws.injectFault(kalshiWsFault);
      kalshi = {
        rest,
        ws,
        baseUrl: rest.baseUrl,
        wsUrl: config.kalshi.wsUrl ?? ws?.url ?? null,
        credentials: keys.credentials,
        subaccounts: [0, 1, 2],
        attribution: DEFAULT_SIMULATED_ATTRIBUTION,
      };
    }
    let anthropic: SimulatedAnthropic | null = null;
    if (want.anthropic) {
      const server = await startAnthropicSimulator({ clock, logger: logger.child({ component: 'anthropic-simulator' }) });
      started.push(server);
      if (anthropicFault) server.injectFault(anthropicFault);
      anthropic = { server, baseUrl: server.baseUrl, apiKey: config.anthropic.apiKey ?? SIMULATOR_ANTHROPIC_KEY };
    }
    let john: SimulatedJohn | null = null;
    if (want.john) {
      const server = await startJohnSimulator({ clock, logger: logger.child({ component: 'john-simulator' }), token: config.john.apiToken });
      started.push(server);
      if (johnFault) server.injectFault(johnFault);
      john = { server, baseUrl: server.baseUrl, endpoint: { kind: 'all' } };
    }
    const simulated = (Object.keys(want) as SourceId[]).filter((source) => want[source]);
    return { kalshi, anthropic, john, simulated, close };
  } catch (error) {
    await close();
    throw error;
  }
}
