/** The Anthropic simulator's public surface: start it, inject faults, parse faults from the environment. */
export { startAnthropicSimulator, type AnthropicSimulator, type AnthropicSimulatorOptions, type RecordedRequest } from './server.js';
export { parseAnthropicFault, type AnthropicFault, type AnthropicFaultKind } from './faults.js';
