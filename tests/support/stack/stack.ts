import { describeSide, type AbConfig } from './ab.ts';
import type { AbLabel, AbStacks } from '../shared/stack-info.ts';
import { withTimeout } from './cleanup.ts';
import { startContainersStack } from './containers.ts';
import { buildSideImage } from './side-image.ts';
import { startDirectStack } from './direct.ts';
import { startExternalStack } from './external.ts';
import { findLocalTools, startLocalStack } from './local.ts';
import { adapterFor } from '../gateway/adapters.ts';
import type { StackOptions } from './options.ts';
import { reuseHeldStack } from './reuse.ts';
import { probeRuntime } from './runtime.ts';
import type { StartedStack } from '../shared/stack-info.ts';
import { config } from '../shared/config.ts';

/**
 * Starts the stack PERF_STACK asks for. auto: containers when a runtime answers; else local processes
 * when every piece is installed; else the direct target on our shipped MCP servers, announced as such
 * (gateway cases then skip, saying why).
 */
export async function startStack(opts: StackOptions, log: (line: string) => void = console.log): Promise<StartedStack> {
  const heldInfo = config().PERF_STACK_INFO;
  if (heldInfo) {
    log(`[mcp-perf] stack: reusing the one described in ${heldInfo}`);
    const held = await reuseHeldStack(heldInfo);
    // Cases may start containers of their own (scaling) and sample the held ones: same runtime settings.
    if (held.info.provider === 'containers') for (const a of (await probeRuntime()).adjustments) log(`[mcp-perf] adjusted for this machine: ${a}`);
    return held;
  }
  if (opts.provider === 'external') return startExternalStack(`PERF_STACK=external: using the gateway at ${config().PERF_GATEWAY_MCP_URL ? 'PERF_GATEWAY_MCP_URL' : 'PERF_GATEWAY_URL'}`, opts.gateway);
  if (opts.provider === 'direct') return startDirectStack('PERF_STACK=direct: the shipped MCP servers without any gateway');
  const adapter = adapterFor(opts.gateway);
  const pieces = [adapter.needs.postgres && 'PostgreSQL', adapter.needs.redis && 'Redis', 'MCP servers', adapter.title].filter(Boolean).join(', ');
  if (opts.provider === 'local') {
    log(`[mcp-perf] stack: local. PERF_STACK=local: ${pieces} as local processes...`);
    return startLocalStack(opts, 'PERF_STACK=local', findLocalTools(opts.gateway));
  }
  const runtime = await probeRuntime();
  for (const a of runtime.adjustments) log(`[mcp-perf] adjusted for this machine: ${a}`);
  if (runtime.ok && runtime.client) {
    const why = opts.provider === 'auto' ? `auto: a container runtime answered (${runtime.detail})` : `PERF_STACK=containers (${runtime.detail})`;
    log(`[mcp-perf] stack: containers. ${why}. Starting ${pieces}...`);
    const ms = opts.gatewayExtraCpuMs;
    const paths = opts.gatewayExtraCpuPaths ?? 'mcp';
    const leakBytes = opts.gatewayLeakBytes;
    const slowed = ms ? `gateway slowed on purpose by ${ms} ms CPU per ${paths === 'all' ? 'HTTP' : 'MCP'} request (PERF_GATEWAY_EXTRA_CPU_MS)` : '';
    const leaks = leakBytes ? `gateway leaks on purpose: ${leakBytes} bytes kept per ${paths === 'all' ? 'HTTP' : 'MCP'} request (PERF_GATEWAY_LEAK_BYTES)` : '';
    const changed = [slowed, leaks].filter(Boolean).join('; ');
    if (changed) log(`[mcp-perf] THE GATEWAY IS CHANGED ON PURPOSE: ${changed}`);
    return startContainersStack(runtime.client, opts, `${why}${changed && `; ${changed}`}`, ms || leakBytes ? { extraCost: { ...(ms ? { ms } : {}), paths, ...(leakBytes ? { leakBytes } : {}) } } : {});
  }
  if (opts.provider === 'containers') throw new Error(`PERF_STACK=containers needs a container runtime, but ${runtime.detail}`);
  if (opts.gatewayExtraCpuMs || opts.gatewayLeakBytes) throw new Error(`PERF_GATEWAY_EXTRA_CPU_MS and PERF_GATEWAY_LEAK_BYTES need the containers stack, but ${runtime.detail}`);
  const local = findLocalTools(opts.gateway);
  if (local.missing.length === 0) {
    const why = `auto: ${runtime.detail}; the local tools are all here, so local processes`;
    log(`[mcp-perf] stack: local. ${why}`);
    return startLocalStack(opts, why, local);
  }
  const why = `auto: ${runtime.detail}; the local stack lacks ${local.missing.length} piece(s) (${local.missing.map((m) => m.split(' (')[0]).join(', ')}). Falling back to the DIRECT target (our MCP servers, no gateway): gateway cases will skip`;
  log(`[mcp-perf] stack: direct. ${why}`);
  return startDirectStack(why);
}

/**
 * The two stacks of an A/B run, each complete (its own Postgres, Redis, MCP servers and gateway), started
 * one after the other (which first, drawn) so neither start-up competes with the other for the cores.
 * Containers only: both gateways are images. Stopping stops both, whatever failed.
 */
export async function startAbStacks(opts: StackOptions, ab: AbConfig, log: (line: string) => void = console.log): Promise<StartedStack & { ab: AbStacks }> {
  if (opts.provider !== 'auto' && opts.provider !== 'containers') {
    throw new Error(`A/B mode (PERF_AB_BASE / PERF_AB_HEAD) starts both gateways from images, so it needs PERF_STACK=containers (or auto); PERF_STACK is ${opts.provider}`);
  }
  if (opts.gatewayExtraCpuMs) throw new Error('PERF_GATEWAY_EXTRA_CPU_MS slows the single stack; in A/B mode give each side its own with PERF_AB_BASE_EXTRA_CPU_MS / PERF_AB_HEAD_EXTRA_CPU_MS');
  const runtime = await probeRuntime();
  for (const a of runtime.adjustments) log(`[mcp-perf] adjusted for this machine: ${a}`);
  if (!runtime.ok || !runtime.client) throw new Error(`A/B mode needs a container runtime: ${runtime.detail}`);
  // A/A runs suggested the stack started second comes out ahead (docs/catalogue.md, "sized and ordered"). Which side
  // starts first is drawn, so that whatever favours the stack started second cannot always favour the head.
  const first: AbLabel = ab.startFirst ?? (Math.random() < 0.5 ? 'base' : 'head');
  log(`[mcp-perf] A/B: the ${first} stack starts first (${ab.startFirst ? 'PERF_AB_START_FIRST' : `drawn at random; PERF_AB_START_FIRST=${first} repeats it`})`);
  const built = new Set<string>();
  for (const side of [ab.base, ab.head]) {
    if (!side.build || built.has(side.image!)) continue;
    await buildSideImage(side, opts.gateway, log);
    built.add(side.image!);
  }
  const order = first === 'base' ? [ab.base, ab.head] : [ab.head, ab.base];
  const started: StartedStack[] = [];
  const stop = async () => {
    for (const s of [...started].reverse()) await withTimeout(s.stop(), 120_000, 'stopping an A/B stack').catch((e: Error) => log(`[mcp-perf] ${e.message}`));
  };
  try {
    for (const side of order) {
      log(`[mcp-perf] A/B: starting the ${side.label} stack (${describeSide(side)})...`);
      started.push(await startContainersStack(runtime.client, opts, `A/B ${side.label}: ${describeSide(side)} (${runtime.detail})`, side));
    }
  } catch (error) {
    await stop();
    throw error;
  }
  const infoOf = (label: AbLabel) => started[order.indexOf(ab[label])]!.info;
  const [base, head] = [infoOf('base'), infoOf('head')];
  return { info: head, ab: { base, head, describe: { base: describeSide(ab.base), head: describeSide(ab.head) } }, stop };
}
