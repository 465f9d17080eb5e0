import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { GatewayAdapter } from '../gateway/adapter.ts';

/** What makes one gateway of an A/B pair differ: its image, and a known extra cost (the gate's own benchmark). */
export interface GatewayVariant {
  /** Image of this gateway (default: the role's image, as resolveImage picks it). */
  image?: string;
  /**
   * Extra CPU per MCP request (fixtures/gateway-extra-cost): `ms` fixed, and/or `knobDir`, a directory of this
   * machine mounted into the container, whose file extra-cpu-ms the wrapper re-reads (setExtraCost writes it).
   */
  extraCost?: { ms?: number; knobDir?: string; paths?: ExtraCostPaths; leakBytes?: number };
}

/** Which requests the extra cost slows: MCP endpoints (/mcp, /rpc, /message), or every HTTP request (REST, health too). */
export type ExtraCostPaths = 'mcp' | 'all';

export const EXTRA_COST_DIR = '/opt/mcp-perf-extra-cost';
const KNOB_DIR = '/opt/mcp-perf-knob';
const KNOB_FILE = 'extra-cpu-ms';

/**
 * The environment, files and mounts that give a Python ASGI gateway its extra cost per MCP request, from
 * its adapter's extraCost: the module whose ASGI app is wrapped and the PYTHONPATH its image already has (kept).
 */
export function extraCostSetup(extra: GatewayVariant['extraCost'], gateway: Pick<GatewayAdapter, 'kind' | 'extraCost'>): {
  env: Record<string, string>;
  copy: { source: string; target: string }[];
  mounts: { source: string; target: string; mode: 'ro' }[];
} {
  if (!extra) return { env: {}, copy: [], mounts: [] };
  const app = gateway.extraCost;
  if (!app) throw new Error(`PERF_GATEWAY=${gateway.kind}: its adapter names no app to give an extra cost per MCP request (the gate benchmark's knob)`);
  const env: Record<string, string> = { PYTHONPATH: `${EXTRA_COST_DIR}:${app.pythonPath}`, MCP_PERF_APP_MODULE: app.appModule, MCP_PERF_EXTRA_CPU_MS: String(extra.ms ?? 0) };
  if (extra.paths === 'all') env.MCP_PERF_EXTRA_CPU_PATHS = 'all';
  if (extra.leakBytes) env.MCP_PERF_LEAK_BYTES = String(extra.leakBytes);
  const mounts: { source: string; target: string; mode: 'ro' }[] = [];
  if (extra.knobDir) {
    setExtraCost(extra.knobDir, extra.ms ?? 0);
    env.MCP_PERF_EXTRA_CPU_FILE = `${KNOB_DIR}/${KNOB_FILE}`;
    mounts.push({ source: extra.knobDir, target: KNOB_DIR, mode: 'ro' });
  }
  return { env, copy: [{ source: fileURLToPath(new URL('../../../fixtures/gateway-extra-cost/', import.meta.url)), target: EXTRA_COST_DIR }], mounts };
}

/**
 * Sets a running gateway's extra CPU per MCP request: writes the knob file its extra-cost wrapper re-reads
 * (within a second). The directory is this machine's, mounted into the gateway's container.
 */
export function setExtraCost(knobDir: string, ms: number): void {
  mkdirSync(knobDir, { recursive: true });
  chmodSync(knobDir, 0o755);
  writeFileSync(join(knobDir, KNOB_FILE), `${ms.toFixed(3)}\n`, { mode: 0o644 });
}

/**
 * The Containerfile lines that give an image built FROM the gateway's the same extra cost per MCP request (`ms`,
 * fixed): `contextDir` is the build context's directory holding fixtures/gateway-extra-cost's files.
 */
export function extraCostLayer(ms: number, gateway: Pick<GatewayAdapter, 'kind' | 'extraCost'>, contextDir: string): string {
  const { env } = extraCostSetup({ ms }, gateway);
  const vars = Object.entries(env).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
  return `COPY ${contextDir}/ ${EXTRA_COST_DIR}/\nENV ${vars.join(' ')}\n`;
}
