import { fileURLToPath } from 'node:url';
import { getContainerRuntimeClient } from 'testcontainers';

/** What makes one gateway of an A/B pair differ: its image, and a known extra cost (the gate's own benchmark). */
export interface GatewayVariant {
  /** Image of this gateway (default: the role's image, as resolveImage picks it). */
  image?: string;
  /** Extra CPU per MCP request (fixtures/gateway-extra-cost), fixed in ms and/or read from a file in the container. */
  extraCost?: { ms?: number; file?: string };
}

export const EXTRA_COST_DIR = '/opt/mcp-perf-extra-cost';

/** The environment and files that give a Python gateway its extra cost per MCP request. */
export function extraCostSetup(extra: GatewayVariant['extraCost']): { env: Record<string, string>; copy: { source: string; target: string }[] } {
  if (!extra) return { env: {}, copy: [] };
  const env: Record<string, string> = { PYTHONPATH: EXTRA_COST_DIR, MCP_PERF_EXTRA_CPU_MS: String(extra.ms ?? 0) };
  if (extra.file) env.MCP_PERF_EXTRA_CPU_FILE = extra.file;
  return { env, copy: [{ source: fileURLToPath(new URL('../../../fixtures/gateway-extra-cost/', import.meta.url)), target: EXTRA_COST_DIR }] };
}

/**
 * Sets a running gateway's extra CPU per MCP request by writing the file its extra-cost wrapper reads
 * (MCP_PERF_EXTRA_CPU_FILE); the wrapper takes it up within a second.
 */
export async function setExtraCost(containerId: string, file: string, ms: number): Promise<void> {
  const client = await getContainerRuntimeClient();
  const result = await client.container.exec(client.container.getById(containerId), ['sh', '-c', `echo ${ms.toFixed(3)} > ${file}`]);
  if (result.exitCode !== 0) throw new Error(`could not set the extra cost in container ${containerId.slice(0, 12)} (${file}): exit ${result.exitCode}: ${result.output.slice(0, 300)}`);
}
