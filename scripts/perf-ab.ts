// The regression gate: base and head gateways side by side on this machine, measured in alternating rounds.
//   npm run perf:ab -- --base <image> --head <image> [--head-extra-cpu-ms 9] [--profile pr] [--protocol 2026-07-28] [-t <case name>] [test files]
// A side may also be pypi:<version> (the gateway's release, built here) or source:<dir> (a checkout, built here).
// Equivalent to PERF_AB_BASE=<image> PERF_AB_HEAD=<image> npm run perf -- tests/perf/gate.perf.ts.
// Exit status: vitest's (0 no regression; 1 a regression, an invalid case, an inconclusive gate or a failure).
import { MCP_REVISIONS } from '../tests/support/mcp/protocol.ts';
import { parseCli, refuse, runPerfSuite } from './cli.ts';
import { config, environment, setting } from '../tests/support/shared/config.ts';
import { adapterFor, DEFAULT_GATEWAY } from '../tests/support/gateway/adapters.ts';
import { resolveImage } from '../tests/support/stack/images.ts';
import { probeRuntime } from '../tests/support/stack/runtime.ts';

const usage = `usage: npm run perf:ab -- --base <image|pypi:version|source:dir> --head <image|pypi:version|source:dir> [--base-extra-cpu-ms N] [--head-extra-cpu-ms N] [--profile smoke|pr|nightly] [--protocol ${MCP_REVISIONS.join('|')}] [-t <case name>] [test files, default tests/perf/gate.perf.ts]
  --protocol: the MCP revision both sides are called with (default 2025-06-18, the revision the gate's noise terms
  and detection rates were measured on; its cases are then named with the revision)`;
const { values: o, positionals } = parseCli('perf:ab', {
  base: { type: 'string' }, head: { type: 'string' },
  'base-extra-cpu-ms': { type: 'string' }, 'head-extra-cpu-ms': { type: 'string' },
  profile: { type: 'string' }, protocol: { type: 'string' },
  'test-name-pattern': { type: 'string', short: 't' },
}, usage);
const base = o.base ?? config().PERF_AB_BASE;
const head = o.head ?? config().PERF_AB_HEAD;
if (!base || !head) {
  console.error(`both gateways are needed (${!base ? '--base' : '--head'} is missing).\n${usage}`);
  process.exit(2);
}
if (o.protocol !== undefined && !(MCP_REVISIONS as readonly string[]).includes(o.protocol)) {
  console.error(`--protocol ${o.protocol} is not an MCP revision this suite speaks: use one of ${MCP_REVISIONS.join(', ')}`);
  process.exit(2);
}
// A side named by image is looked for (and pulled) before Vitest starts: one line when it cannot be had, not a
// stack trace from global setup. pypi: and source: sides are built by the stack itself.
const runtime = await probeRuntime();
if (runtime.ok && runtime.client) {
  const role = adapterFor(config().PERF_GATEWAY || DEFAULT_GATEWAY).image.role;
  for (const [flag, side] of [['--base', base], ['--head', head]] as const) {
    if (/^(pypi|source):/.test(side)) continue;
    await resolveImage(runtime.client, role, undefined, side).catch((error: Error) => refuse('perf:ab', `${flag}: ${error.message}`));
  }
}
// The gate runs the pr profile unless told: its own default, not the catalogue's (smoke), hence the setting as set.
const env: NodeJS.ProcessEnv = { ...environment(), PERF_AB_BASE: base, PERF_AB_HEAD: head, PERF_PROFILE: o.profile ?? setting('PERF_PROFILE') ?? 'pr' };
if (o.protocol) env.PERF_MCP_PROTOCOL = o.protocol;
if (o['base-extra-cpu-ms']) env.PERF_AB_BASE_EXTRA_CPU_MS = o['base-extra-cpu-ms'];
if (o['head-extra-cpu-ms']) env.PERF_AB_HEAD_EXTRA_CPU_MS = o['head-extra-cpu-ms'];
env.PERF_RUN_ID ??= `ab-${new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19)}-${env.PERF_PROFILE}`;
const files = positionals.length ? positionals : ['tests/perf/gate.perf.ts'];
const pattern = o['test-name-pattern'];
const run = runPerfSuite(pattern ? [...files, '-t', pattern] : files, env);
if (run.error) {
  console.error(`could not start vitest: ${run.error.message}`);
  process.exit(2);
}
process.exit(run.status ?? 1);
