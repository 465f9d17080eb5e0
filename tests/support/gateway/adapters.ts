import type { GatewayAdapter } from './adapter.ts';
import { contextforge } from './contextforge/index.ts';
import { litellm } from './litellm/index.ts';

/** The gateways the suite can start, by PERF_GATEWAY's value: one folder each, listed here. */
export const ADAPTERS: Readonly<Record<string, GatewayAdapter>> = { contextforge, litellm };
export const GATEWAY_KINDS: readonly string[] = Object.keys(ADAPTERS);
export { DEFAULT_GATEWAY } from '../shared/stack-info.ts';

export function adapterFor(kind: string): GatewayAdapter {
  const adapter = ADAPTERS[kind];
  if (!adapter) {
    throw new Error(`PERF_GATEWAY="${kind}" is not a gateway the suite can start: use ${GATEWAY_KINDS.join(' or ')}, or PERF_STACK=external for a gateway you run (PERF_GATEWAY_MCP_URL)`);
  }
  return adapter;
}
