import type { TestProject } from 'vitest/node';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { measureCalibration } from './budget/calibration.ts';
import { chooseRevision, type RevisionWish } from './mcp/negotiate.ts';
import { redactStack, runDir, type RunInfoFile } from './shared/run-dir.ts';
import { runCleanups } from './stack/cleanup.ts';
import { abConfigFrom } from './stack/ab.ts';
import type { AbStacks } from './shared/stack-info.ts';
import { stackOptionsFrom } from './stack/options.ts';
import { startAbStacks, startStack } from './stack/stack.ts';
import type { StackInfo, StartedStack } from './shared/stack-info.ts';
import { config, settingsAsGiven } from './shared/config.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    stack: StackInfo;
    /** Both stacks of an A/B run (PERF_AB_BASE / PERF_AB_HEAD), or null; `stack` is then the head's. */
    ab: AbStacks | null;
    /** p50 (ms) of the calibration target in this run, or null. */
    calibration: number | null;
  }
}

/** Vitest globalSetup of the perf suite: one stack per run, handed to every case, always torn down. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const settings = config();
  const given = Object.entries(settingsAsGiven(settings)).map(([k, v]) => `${k}=${v}`).join(' ');
  console.log(`[mcp-perf] profile ${settings.PERF_PROFILE}; settings: ${given || 'all at their defaults'}`);
  const opts = stackOptionsFrom(settings);
  const abConfig = settings.PERF_STACK_INFO ? undefined : abConfigFrom(settings);
  const started: StartedStack = abConfig ? await startAbStacks(opts, abConfig) : await startStack(opts);
  const ab: AbStacks | null = started.ab ?? null;
  if (ab) for (const side of ['base', 'head'] as const) console.log(`[mcp-perf] A/B ${side}: ${ab.describe[side]} at ${ab[side].gateway?.baseUrl}`);
  const { info } = started;
  try {
    for (const side of ab ? [ab.base, ab.head] : [info]) await chooseProtocol(side, opts.mcpProtocol);
  } catch (error) {
    await started.stop();
    throw error;
  }
  console.log(`[mcp-perf] stack ready in ${(info.startedInMs / 1000).toFixed(1)} s (${info.provider})`);
  if (info.images) for (const [role, image] of Object.entries(info.images)) console.log(`[mcp-perf]   ${role}: ${image}`);
  if (info.gateway) console.log(`[mcp-perf]   gateway ${info.gateway.kind} ${info.gateway.version} at ${info.gateway.baseUrl}, ${info.gateway.workers} workers, ${Object.keys(info.gateway.tools).length} tools`);
  if (info.gateway?.protocol) console.log(`[mcp-perf]   MCP ${info.gateway.protocol.revision} to the gateway (${info.gateway.protocol.how})`);
  if (info.gateway?.settings) console.log(`[mcp-perf]   gateway settings (from its entrypoint): ${info.gateway.settings.text}`);
  for (const problem of info.gateway?.settings?.problems ?? []) console.warn(`[mcp-perf] WARNING: ${problem}`);
  project.provide('stack', info);
  project.provide('ab', ab);
  const calibration = await measureCalibration(info).catch((error: Error) => {
    console.error(`[mcp-perf] WARNING: the calibration failed (${error.message}): baseline comparisons in this run have no noise floor and print no calibration ratio`);
    return null;
  });
  console.log(`[mcp-perf] calibration (direct MCP server tools/call p50): ${calibration === null ? 'not measured' : `${calibration} ms`}`);
  project.provide('calibration', calibration);
  mkdirSync(runDir(), { recursive: true });
  const runInfo: RunInfoFile = { stack: redactStack(info), calibrationP50: calibration, ...(ab ? { ab: { base: redactStack(ab.base), head: redactStack(ab.head), describe: ab.describe } } : {}) };
  writeFileSync(join(runDir(), 'run-info.json'), JSON.stringify(runInfo, null, 2));
  return async () => {
    try {
      await started.stop();
    } finally {
      await runCleanups((line) => console.error(`[mcp-perf] ${line}`));
    }
  };
}

/** The MCP revision the run speaks to the gateway, chosen once and kept in its endpoints for every case. */
async function chooseProtocol(info: StackInfo, wish: RevisionWish): Promise<void> {
  const gw = info.gateway;
  if (gw) gw.protocol = await chooseRevision(gw.mcpUrl, { authorization: `Bearer ${gw.token}` }, wish);
}
