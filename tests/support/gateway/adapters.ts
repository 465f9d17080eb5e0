import { readdirSync } from 'node:fs';
import type { GatewayAdapter } from './adapter.ts';

/**
 * The gateways the suite can start, by PERF_GATEWAY's value: every folder here with an index.ts whose default
 * export is its adapter (adding a gateway is adding its folder, and its image role's lines in images.json).
 */
async function discover(): Promise<Record<string, GatewayAdapter>> {
  const dir = new URL('./', import.meta.url);
  const folders = readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory() && readdirSync(new URL(`${d.name}/`, dir)).includes('index.ts')).map((d) => d.name).sort();
  const found: Record<string, GatewayAdapter> = {};
  for (const folder of folders) {
    const adapter = ((await import(`./${folder}/index.ts`)) as { default?: GatewayAdapter }).default;
    if (!adapter?.kind) throw new Error(`tests/support/gateway/${folder}/index.ts has no default export that is a gateway adapter (export default <adapter>)`);
    if (adapter.kind !== folder) throw new Error(`tests/support/gateway/${folder}/: its adapter's kind is "${adapter.kind}"; name the folder after it`);
    found[adapter.kind] = adapter;
  }
  return found;
}

export const ADAPTERS: Readonly<Record<string, GatewayAdapter>> = await discover();
export const GATEWAY_KINDS: readonly string[] = Object.keys(ADAPTERS);
export { DEFAULT_GATEWAY } from '../shared/stack-info.ts';

export function adapterFor(kind: string): GatewayAdapter {
  const adapter = ADAPTERS[kind];
  if (!adapter) {
    const choices = GATEWAY_KINDS.length > 1 ? `${GATEWAY_KINDS.slice(0, -1).join(', ')} or ${GATEWAY_KINDS.at(-1)}` : GATEWAY_KINDS.join('');
    throw new Error(`PERF_GATEWAY="${kind}" is not a gateway the suite can start: use ${choices}, or PERF_STACK=external for a gateway you run (PERF_GATEWAY_MCP_URL)`);
  }
  return adapter;
}
