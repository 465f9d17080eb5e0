import { inject } from 'vitest';
import { formatDuration } from './engine/duration.ts';
import { classifyError, failureKey } from './engine/errors.ts';
import type { RunResult, SeriesPoint } from './engine/result.ts';
import { runScenario, runScenarioInWorkers } from './engine/runner.ts';
import type { ScenarioInput } from './engine/scenario.ts';
import type { LoadOperation } from './engine/operation.ts';
import { closedModelStall, runValidity } from './budget/validity.ts';
import { readBaseline } from './budget/baseline.ts';
import { DEFAULT_REVISION, isStateless } from './mcp/protocol.ts';
import { createOperation, describeOperation, withoutClose, type McpCall, type OperationSpec, type SingleOperationSpec } from './mcp/operations.ts';
import { PROFILE } from './shared/profile.ts';
import { caseRecord, type CaseTable, type MonitorRecord } from './shared/case-record.ts';
import { textTable } from './shared/text-table.ts';
import { connectionsByState, StackMonitor } from './monitor/sampler.ts';
import { formatRevisions, readRevisions, revisionDelta } from './monitor/upstream-revisions.ts';
import { gatewayDeathNote } from './stack/gateway-state.ts';
import { checkHost, formatHostWarnings, PROXY_FILES_PER_CONNECTION, proxyConnectionCeiling, readHostLimits, type HostWarning } from './stack/host-preflight.ts';
import type { GatewayCapability, GatewayEndpoints, StackInfo } from './shared/stack-info.ts';
import { ADAPTERS } from './gateway/adapters.ts';
import type { GatewayAdmin } from './gateway/adapter.ts';
import { config } from './shared/config.ts';
import { fitRate, fitSpike, fitStreams, fitVus } from './analysis/load-share.ts';

export function stack(): StackInfo {
  return inject('stack');
}

export const NO_GATEWAY = (info: StackInfo) => `no gateway in this stack (${info.provider}: ${info.reason})`;

const CAPABILITY: Record<GatewayCapability, string> = {
  health: 'health endpoint', rpc: 'JSON-RPC shortcut (/rpc)', sse: 'SSE transport', ws: 'WebSocket transport', 'admin-api': 'REST admin API',
  prometheus: 'Prometheus metrics', database: 'database behind it',
};

/**
 * Why a case or phase cannot run on this stack: no gateway, or a gateway without one of `needs` (undefined when
 * it can). Standard MCP over Streamable HTTP needs nothing: every gateway has it.
 */
export function skipReason(info: StackInfo, ...needs: GatewayCapability[]): string | undefined {
  const gw = info.gateway;
  if (!gw) return NO_GATEWAY(info);
  const missing = needs.filter((c) => !gw.capabilities.includes(c));
  return missing.length ? `${gw.kind} has no ${missing.map((c) => CAPABILITY[c]).join(', ')}` : undefined;
}

/** A title that says why it is skipped, when it is. */
export function titled(title: string, reason: string | undefined): string {
  return reason ? `${title} (skipped: ${reason})` : title;
}

/** An endpoint that only a gateway with `capability` has; cases call it where skipReason let them run. */
export function needs<T>(value: T | undefined, gateway: GatewayEndpoints, capability: GatewayCapability): T {
  if (value === undefined) throw new Error(`${gateway.kind} has no ${CAPABILITY[capability]}: this case should have been skipped (skipReason(info, '${capability}'))`);
  return value;
}

/** The gateway's admin API (capability admin-api), through its adapter. */
export function gatewayAdmin(gateway: GatewayEndpoints): GatewayAdmin {
  const admin = ADAPTERS[gateway.kind]?.admin?.(gateway);
  if (!admin) throw new Error(`${gateway.kind} has no ${CAPABILITY['admin-api']} the suite can drive: this case should have been skipped (skipReason(info, 'admin-api'))`);
  return admin;
}

/** Standard MCP through the gateway: Streamable HTTP on its MCP endpoint, one session per VU unless said. */
export function mcpOperation(gateway: GatewayEndpoints, call: McpCall, session: 'per-vu' | 'per-iteration' = 'per-vu'): SingleOperationSpec {
  return { kind: 'streamable', url: gateway.mcpUrl, headers: authHeaders(gateway), session, call, protocol: gateway.protocol?.revision };
}

/**
 * The spec with the run's MCP revision wherever it names none and calls the gateway's MCP endpoint (a case that
 * sets a revision keeps it; a call to one of our servers directly keeps the client's default).
 */
export function withRunProtocol<S extends OperationSpec>(spec: S, gateway: GatewayEndpoints | undefined = stack()?.gateway): S {
  const revision = gateway?.protocol?.revision;
  if (!revision) return spec;
  if (spec.kind === 'mix') return { ...spec, items: spec.items.map((item) => ({ ...item, op: withRunProtocol(item.op, gateway) })) };
  if (spec.kind === 'streamable' && spec.protocol === undefined && spec.url === gateway.mcpUrl) return { ...spec, protocol: revision };
  return spec;
}

/**
 * A call for cases whose subject is not the transport: over /rpc where the gateway has it (these cases' budgets
 * and baselines were set on ContextForge's /rpc), else standard MCP; PERF_TRANSPORT=mcp makes it standard MCP on
 * every gateway, so that gateways are compared on the same protocol. `via` goes into scenario names.
 */
export function toolOperation(gateway: GatewayEndpoints, call: McpCall): { op: SingleOperationSpec; via: '/rpc' | '/mcp' } {
  const via = toolTransport(gateway);
  return { op: via === '/rpc' ? { kind: 'rpc', url: gateway.rpcUrl!, headers: authHeaders(gateway), call } : mcpOperation(gateway, call), via };
}

/** The transport toolOperation uses on this gateway. */
export function toolTransport(gateway: GatewayEndpoints): '/rpc' | '/mcp' {
  return gateway.rpcUrl && config().PERF_TRANSPORT === 'native' ? '/rpc' : '/mcp';
}

export function authHeaders(gateway: GatewayEndpoints): Record<string, string> {
  return { authorization: `Bearer ${gateway.token}` };
}

/** A tool's name through the gateway, e.g. tool(gw, 'fast_time', 'get_system_time'). */
export function gatewayTool(gateway: GatewayEndpoints, upstream: string, tool: string): string {
  const name = gateway.tools[`${upstream}/${tool}`];
  if (!name) throw new Error(`the gateway has no tool ${upstream}/${tool}; it has ${Object.keys(gateway.tools).join(', ')}`);
  return name;
}

/**
 * tools/call get_system_time on our fast_time server with the isolation check on: every call sends a random tag
 * the answer must echo, so an answer handed to the wrong caller under the right id fails as isolation:nonce (a
 * random number and a substring search per call on the client: under a microsecond; a few bytes more each way).
 */
export function timeCall(gateway: GatewayEndpoints): McpCall {
  return { method: 'tools/call', name: gatewayTool(gateway, 'fast_time', 'get_system_time'), arguments: { timezone: 'UTC' }, nonce: { argument: 'tag', type: 'string' } };
}

export interface CaseRun {
  scenario: ScenarioInput;
  /**
   * The operation as data (preflighted, and can run in worker threads), or a ready LoadOperation for what
   * data cannot say (held streams, state across iterations): no preflight, one thread, closed after the phase.
   */
  operation: OperationSpec | LoadOperation;
  /** Load threads (default 1: this process). */
  workers?: number;
  /** Seconds of unrecorded traffic first, at the scenario's rate or 10 VUs (default 3; 0 for none). */
  warmupSeconds?: number;
  /** Seconds between progress lines (default 5). */
  progressEverySeconds?: number;
  /** Sample the system under test during the measured phase (default true). */
  monitor?: boolean;
  /** One request before the load that must succeed (default true; off for operations that fail on purpose). */
  preflight?: boolean;
  /**
   * Whether a constant arrival rate may be lowered to what the stack holds (PERF_FIT_RATES; default true): false
   * where the rate was set by hand for this run.
   */
  fit?: boolean;
  /**
   * Whether a closed loop's VUs may be lowered to what the stack holds (fitPhaseVus; default false: most closed
   * loops are sized on purpose, a flood or a comparison at equal VUs). For a case whose budget is a latency at a
   * number of concurrent callers. `{ atLeast }`: never fewer VUs than that (a case whose subject is concurrency).
   */
  fitVus?: boolean | { atLeast: number };
}

/** PERF_FIT_RATES, else the profile's: 0.6 in nightly and soak (figures written for a larger runner), 0 (off) in smoke and pr. */
export function fitShare(): number {
  return config().PERF_FIT_RATES;
}

const PROBE = { vus: 8, seconds: 10 };

/**
 * A constant arrival rate fitted to this stack (fitShare): a closed-loop probe of the phase's own calls (8 VUs for
 * 10 s) measures what the stack completes, and a plan's rate above the share of it is lowered, the case's notes
 * saying from what to what. With fitting off, the rate as written. A case that compares phases at one rate
 * (direct against through the gateway) fits once, on its costliest phase, and runs them all at that rate (fit: false).
 */
export async function fitPhaseRate(scenario: ScenarioInput, operation: OperationSpec | LoadOperation): Promise<number> {
  const share = fitShare();
  const planned = scenario.rate ?? 0;
  if (!share || scenario.executor !== 'constant-arrival-rate' || !planned) return planned;
  const probe = await closedProbe(scenario, operation, PROBE.vus, PROBE.seconds);
  const fit = fitRate(planned, completedPerSec(probe), share, recordedLoad(scenario, operation)?.achievedRate);
  fitNote(`${scenario.name}: rate ${fit.text} (PERF_FIT_RATES=${share}; ${probeText(probe)})`);
  return fit.rate;
}

/**
 * A spike's calm and peak fitted to this stack (fitShare; fitSpike), from the capacity probe of its calls: the plan's
 * figures with fitting off or where the stack holds them, else the plan's shape with its peak at the stack's knee.
 */
export async function fitPhaseSpike(name: string, operation: OperationSpec | LoadOperation, plan: { calm: number; peak: number; peakSeconds: number; recoverySeconds: number }): Promise<{ calm: number; peak: number }> {
  const share = fitShare();
  if (!share) return plan;
  const probe = await closedProbe({ name, executor: 'constant-vus', vus: PROBE.vus, duration: `${PROBE.seconds}s` }, operation, PROBE.vus, PROBE.seconds);
  const fit = fitSpike(plan, completedPerSec(probe), share);
  fitNote(`${name}: ${fit.text} (PERF_FIT_RATES=${share}; ${probeText(probe)})`);
  return fit;
}

/** What a capacity probe completed per second: its calls that succeeded. */
const completedPerSec = (probe: RunResult) => probe.rate.achieved * (1 - probe.errorRate);
const probeText = (probe: RunResult) => `${PROBE.vus} VUs for ${PROBE.seconds} s, ${(probe.errorRate * 100).toFixed(1)}% errors`;

/**
 * A closed loop's VU count fitted to this stack (fitShare; fitVus): the capacity probe as for a rate, and one VU
 * alone for 5 s for the latency of a call with nothing queued. For a case whose budget is a latency at a number
 * of concurrent callers (PERF-07): past the stack's knee more VUs only queue. With fitting off, the VUs as written.
 */
export async function fitPhaseVus(scenario: ScenarioInput, operation: OperationSpec | LoadOperation, atLeast = 1): Promise<number> {
  const share = fitShare();
  const planned = scenario.vus ?? 0;
  if (!share || scenario.executor !== 'constant-vus' || !planned) return planned;
  const probe = await closedProbe(scenario, operation, PROBE.vus, PROBE.seconds);
  const solo = await closedProbe(scenario, operation, 1, 5);
  const fit = fitVus(planned, completedPerSec(probe), solo.latency.mean, share, recordedLoad(scenario, operation)?.vus, atLeast);
  fitNote(`${scenario.name}: ${fit.text} (PERF_FIT_RATES=${share}; ${probeText(probe)}, then 1 VU for 5 s)`);
  return fit.vus;
}

/**
 * A held-stream count fitted to this stack (fitShare; fitStreams): a few streams opened first, and closed again,
 * measure the database connections each holds while open (Postgres's "idle in transaction"), against the pools the
 * gateway's workers were given. With fitting off, the plan's count.
 */
export async function fitPhaseStreams(name: string, planCount: number, open: (count: number) => Promise<{ opened: number; close(): Promise<void> }>): Promise<number> {
  const share = fitShare();
  if (!share) return planCount;
  const before = await idleInTransaction();
  const probe = await open(Math.min(planCount, 4));
  let perStream: number | undefined;
  try {
    const held = await idleInTransaction();
    if (before !== undefined && held !== undefined && probe.opened > 0) perStream = Math.max(0, held - before) / probe.opened;
  } finally {
    await probe.close();
  }
  const after = await idleInTransactionBackTo(before);
  if (before !== undefined && after !== undefined && after > before) throw new Error(`${name}: the ${probe.opened} streams opened to measure what a stream holds kept ${after - before} Postgres connections idle in transaction 10 s after they closed: the gateway does not give them back, so no count can be fitted`);
  const gw = stack().gateway;
  const fit = fitStreams(planCount, perStream, gw?.dbPool ? { workers: gw.workers, perWorker: gw.dbPool.size + gw.dbPool.maxOverflow } : undefined, share);
  fitNote(`${name}: streams ${fit.text} (PERF_FIT_RATES=${share}; ${probe.opened} streams opened first)`);
  return fit.count;
}

/** The gateway database's connections idle in a transaction, now (undefined with no database). */
export async function idleInTransaction(): Promise<number | undefined> {
  const states = await postgresStates();
  return states === undefined ? undefined : states['idle in transaction'] ?? 0;
}

/** Waits up to 10 s for the connections idle in transaction to fall back to `before`; returns the last count. */
export async function idleInTransactionBackTo(before: number | undefined): Promise<number | undefined> {
  let now = await idleInTransaction();
  for (let i = 0; i < 20 && before !== undefined && now !== undefined && now > before; i++) {
    await new Promise((r) => setTimeout(r, 500));
    now = await idleInTransaction();
  }
  return now;
}

/** The load a phase's baseline (this profile's, this gateway's; named as runLoad names the phase) was recorded under, if it has one. */
function recordedLoad(scenario: ScenarioInput, operation: OperationSpec | LoadOperation) {
  const name = isSpec(operation) ? nameWithRevision(scenario.name, withRunProtocol(operation)) : scenario.name;
  return readBaseline(name, PROFILE, stack().gateway?.kind)?.metrics;
}

function closedProbe(scenario: ScenarioInput, operation: OperationSpec | LoadOperation, vus: number, seconds: number): Promise<RunResult> {
  return runScenario(
    { name: `${scenario.name} ${vus === 1 ? 'one-VU' : 'capacity'} probe`, executor: 'constant-vus', vus, duration: `${seconds}s`, gracefulStop: '5s', timeout: scenario.timeout ?? '30s' },
    isSpec(operation) ? createOperation(withRunProtocol(operation)) : withoutClose(operation),
  );
}

function fitNote(line: string): void {
  console.log(`[mcp-perf] ${line}`);
  reportNote(line);
}

function progressLine(name: string, p: SeriesPoint): string {
  return `[${name}] t=${p.t}s ${p.requests} req/s p50 ${p.p50} ms p95 ${p.p95} ms p99 ${p.p99} ms errors ${p.errors} dropped ${p.dropped} in-flight ${p.inFlight}`;
}

/**
 * One request before any load: when the target does not answer, the case fails with what was asked,
 * what came back and where to look, instead of a run full of connection errors.
 */
export async function preflight(name: string, operation: OperationSpec, timeoutMs = 15_000): Promise<void> {
  if (operation.kind === 'mix') {
    for (const item of operation.items) await preflight(`${name}: ${item.name}`, item.op, timeoutMs);
    return;
  }
  const op = createOperation(operation);
  const vu = { id: -1, iteration: 0, data: {} };
  try {
    const outcome = await op.iterate({ vu, signal: AbortSignal.timeout(timeoutMs), intendedAt: performance.now() });
    if (outcome && !outcome.ok) throw new Error(`${outcome.failure.class}${outcome.failure.code === undefined ? '' : `:${outcome.failure.code}`} ${outcome.failure.message ?? ''}`);
  } catch (error) {
    const failure = classifyError(error);
    // A refused revision is an answer: the gateway is up and does not speak what the run speaks.
    const refused = failure.class === 'protocol';
    throw new Error(
      `[${name}] the target ${refused ? 'refuses the MCP revision this run speaks' : 'does not answer'} (${describeOperation(operation)}): ${failureKey(failure)}: ${failure.message ?? ''}\n` +
        (refused
          ? 'Set PERF_MCP_PROTOCOL to a revision it speaks (named above), or unset it: auto asks the gateway.'
          : 'Is the stack up? Run "npm run stack" to see it start; with PERF_STACK=external check PERF_GATEWAY_URL and the token.' + await gatewayDeathNote(stack()?.gateway)),
      { cause: error },
    );
  } finally {
    await op.close?.();
  }
}

/** What one load phase measured: the engine's result, and the system under test's samples (when monitored). */
export type PhaseResult = RunResult & { monitor?: MonitorRecord };

/** Runs one load phase of a case: preflight, warm-up, the measured scenario with progress lines, and a summary. */
export async function runLoad(run: CaseRun): Promise<PhaseResult> {
  const spec = isSpec(run.operation) ? withRunProtocol(run.operation) : undefined;
  run = { ...run, scenario: { ...run.scenario, name: nameWithRevision(run.scenario.name, spec) } };
  const name = run.scenario.name;
  if (spec && run.preflight !== false) await preflight(name, spec);
  if (!spec && run.workers && run.workers > 1) throw new Error(`[${name}] only an operation given as data (OperationSpec) can run in worker threads`);
  if (run.fit !== false && run.scenario.executor === 'constant-arrival-rate') run = { ...run, scenario: { ...run.scenario, rate: await fitPhaseRate(run.scenario, spec ?? run.operation) } };
  if (run.fitVus && run.scenario.executor === 'constant-vus') run = { ...run, scenario: { ...run.scenario, vus: await fitPhaseVus(run.scenario, spec ?? run.operation, typeof run.fitVus === 'object' ? run.fitVus.atLeast : 1) } };
  // Written as a k6 script after the case, at the rate it ran, with the budgets it asserted (perf-setup.ts).
  if (spec) (caseRecord().phases ??= []).push({ scenario: run.scenario, operation: spec });
  const warmup = run.warmupSeconds ?? 3;
  if (warmup > 0) {
    const rate = run.scenario.rate ?? 10;
    await runScenario(
      { name: `${name} warm-up`, executor: 'constant-arrival-rate', rate, duration: `${warmup}s`, preAllocatedVUs: run.scenario.preAllocatedVUs ?? 10, maxVUs: run.scenario.maxVUs ?? 50, gracefulStop: '5s' },
      spec ? createOperation(spec) : withoutClose(run.operation as LoadOperation),
    );
  }
  const every = run.progressEverySeconds ?? 5;
  const onSecond = (p: SeriesPoint) => {
    if (p.t % every === 0) console.log(progressLine(name, p));
  };
  const upstream = await upstreamRevisions();
  const monitor = run.monitor === false ? undefined : await StackMonitor.start(name, stack());
  let result: RunResult;
  let sampled: MonitorRecord | undefined;
  try {
    result = spec && run.workers && run.workers > 1
      ? await runScenarioInWorkers(run.scenario, { module: new URL('./mcp/operation-module.ts', import.meta.url), params: spec, workers: run.workers }, { onSecond })
      : await runScenario(run.scenario, spec ? createOperation(spec) : (run.operation as LoadOperation), { onSecond });
  } finally {
    sampled = await monitor?.stop();
    if (sampled) caseRecord().monitors.push(sampled);
  }
  console.log(summarizeResult(result));
  if (sampled) console.log(summarizeMonitor(sampled));
  // Which MCP revision each hop spoke: the client's, and the gateway's to our servers as they counted it (warm-up excluded).
  reportNote(`${name}: MCP hops: client: ${spec ? describeOperation(spec) : 'an operation given as code'}; to our MCP servers: ${await upstream()}`);
  caseRecord().results.push(result);
  await stopIfGatewayDied(name, result, stack().gateway);
  const stall = closedModelStall(result);
  if (stall) reportNote(`${name}: ${stall}`);
  const validity = runValidity(result);
  if (!validity.valid) reportNote(`${name}: the load generator, not the target, decided this phase: ${validity.reasons.join('; ')}`);
  return { ...result, monitor: sampled };
}

/**
 * A phase's name, with the MCP revision it speaks where that is not the one this suite always spoke (2025-06-18):
 * its results and baselines are then kept apart from the same phase on another revision.
 */
export function nameWithRevision(name: string, spec: OperationSpec | undefined): string {
  const items = spec?.kind === 'mix' ? spec.items.map((i) => i.op) : spec ? [spec] : [];
  const revisions = new Set(items.flatMap((op) => (op.kind === 'streamable' ? [op.protocol ?? DEFAULT_REVISION] : [])));
  const other = [...revisions].filter((r) => r !== DEFAULT_REVISION && !name.includes(r));
  return other.length ? `${name} [MCP ${other.join(', ')}]` : name;
}

/**
 * A figure's baseline name for a figure measured with `operation`: with the MCP revision the run speaks in it, as
 * phase names carry it (nameWithRevision), so a figure taken on 2026-07-28 is never judged by one taken on 2025-06-18.
 */
export function figureName(name: string, operation: OperationSpec, gateway: GatewayEndpoints | undefined = stack()?.gateway): string {
  return nameWithRevision(name, withRunProtocol(operation, gateway));
}

/**
 * Starts counting the MCP requests our servers receive, by revision; the function it returns says which revisions
 * reached them since (the gateway's hop to its upstreams), or that none did.
 */
export async function upstreamRevisions(): Promise<() => Promise<string>> {
  const servers = stack().direct;
  const before = await readRevisions(servers);
  return async () => {
    const after = await readRevisions(servers);
    const problems = [...before.errors, ...after.errors];
    return (formatRevisions(revisionDelta(before.counts, after.counts)) ?? 'no MCP request reached them') + (problems.length ? ` (not counted on ${problems.join('; ')})` : '');
  };
}

/**
 * Connection failures may be the gateway's death, not its answer: when its container or process is gone, says so
 * (how it ended, its last log lines) in the report and stops the case with that error.
 */
export async function stopIfGatewayDied(name: string, result: RunResult, gateway: GatewayEndpoints | undefined, whose = 'the gateway'): Promise<void> {
  const e = result.errorsByClass;
  if ((e.connection_refused ?? 0) + (e.connection_reset ?? 0) + (e.timeout ?? 0) === 0) return;
  const death = await gatewayDeathNote(gateway);
  if (!death) return;
  reportNote(`${name}: ${whose}: ${death.trim()}`);
  throw new Error(`[${name}] ${result.counts.failed} of ${result.counts.completed} iterations failed to connect or timed out, and ${whose} is gone${death}`);
}

function isSpec(op: OperationSpec | LoadOperation): op is OperationSpec {
  return typeof (op as OperationSpec).kind === 'string';
}

export function summarizeMonitor(m: MonitorRecord): string {
  const byTarget = new Map<string, { cpu: number[]; mem: number[] }>();
  for (const s of m.samples) {
    const e = byTarget.get(s.target) ?? { cpu: [], mem: [] };
    if (Number.isFinite(s.cpuPercent)) e.cpu.push(s.cpuPercent);
    e.mem.push(s.memoryMB);
    byTarget.set(s.target, e);
  }
  const avg = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : Number.NaN);
  const parts = [...byTarget].map(([t, e]) => `${t} CPU ${avg(e.cpu).toFixed(0)}% (max ${Math.max(...e.cpu, 0).toFixed(0)}%) mem ${Math.max(...e.mem).toFixed(0)} MB`);
  const pgMax = m.postgres?.length ? Math.max(...m.postgres.map((p) => p.total)) : undefined;
  if (pgMax !== undefined) parts.push(`postgres connections max ${pgMax}`);
  if (m.machine?.length) {
    const others = m.machine.map((s) => s.othersPercent);
    parts.push(`rest of the machine: others CPU ${avg(others).toFixed(0)}% (max ${Math.max(...others).toFixed(0)}%), steal ${avg(m.machine.map((s) => s.stealPercent)).toFixed(0)}%`);
  }
  const perSample = m.cost.samples ? (m.cost.ms / m.cost.samples).toFixed(1) : '0';
  return `   system under test: ${parts.join('; ') || 'no samples'} [sampling: ${m.cost.samples} samples, ${perSample} ms each]${m.errors.length ? `; monitor errors: ${m.errors.join('; ')}` : ''}`;
}

export function summarizeResult(r: RunResult): string {
  const l = r.latency;
  const s = r.service;
  const target = r.rate.target === null ? '' : ` (target ${r.rate.target}/s)`;
  const lines = [
    `── ${r.scenario} [${PROFILE}] ${r.executor}, ${formatDuration(r.durationMs)}, ${r.workers} thread(s)`,
    `   rate ${r.rate.achieved}/s${target}; ${r.counts.completed} done, ${r.counts.ok} ok, ${r.counts.failed} failed, ${r.counts.dropped} dropped, ${r.counts.interrupted} interrupted; error rate ${(r.errorRate * 100).toFixed(3)}%`,
    `   latency${r.latencyTiming === 'intended-start' ? ' (from intended start)' : ''} ms: p50 ${l.p50} p90 ${l.p90} p95 ${l.p95} p99 ${l.p99} p99.9 ${l.p999} max ${l.max}`,
    `   service time ms: p50 ${s.p50} p95 ${s.p95} p99 ${s.p99} max ${s.max}; scheduler lag p99 ${r.schedulerLag.p99} ms; peak in-flight ${r.vus.peakInFlight}`,
  ];
  if (Object.keys(r.errors).length) lines.push(`   errors: ${JSON.stringify(r.errors)}`, ...Object.entries(r.errorSamples).slice(0, 3).map(([k, v]) => `     ${k}: ${v}`));
  return lines.join('\n');
}

/** A table the case derived (levels, sizing, per-server figures): printed now, and shown in summary.md and report.html. */
export function reportTable(table: CaseTable): void {
  caseRecord().tables.push(table);
  const right = new Set(table.columns.map((_, i) => i).filter((i) => table.rows.every((r) => typeof r[i] === 'number')));
  console.log(`   ${table.title}\n${textTable([table.columns, ...table.rows.map((r) => r.map(String))], right).replace(/^/gm, '   ')}`);
}

/** A finding in words, printed now and kept in the report. */
export function reportNote(note: string): void {
  caseRecord().notes.push(note);
  console.log(`   ${note}`);
}

/**
 * Host preflight before a heavy case: warns (with the fix) when this machine's limits, not the gateway,
 * would decide the result. Returns the warnings, also kept in the report.
 */
export function hostCheck(need: { connections: number; connectionsPerSecond?: number }): HostWarning[] {
  const warnings = checkHost(readHostLimits(), need);
  if (warnings.length) reportNote(formatHostWarnings(warnings));
  return warnings;
}

/**
 * Where a flood of connections to the gateway goes, and how many it may hold. Its own address on the container
 * network where this machine reaches it (unproxiedBaseUrl): the plan's count. Else the published port; where
 * Docker's userland proxy carries it, no more than its descriptors allow (proxyConnectionCeiling), saying so: past
 * them the proxy exits and the gateway is unreachable for the rest of the run.
 */
export function floodTarget(gw: GatewayEndpoints, url: string, planned: number): { url: string; connections: number } {
  if (gw.unproxiedBaseUrl) {
    reportNote(`the flood goes to the gateway's own address on the container network (${gw.unproxiedBaseUrl}), past Docker's userland proxy`);
    return { url: url.replace(gw.baseUrl, gw.unproxiedBaseUrl), connections: planned };
  }
  const ceiling = proxyConnectionCeiling(Number(new URL(url).port));
  if (!ceiling || ceiling.connections >= planned) return { url, connections: planned };
  fitNote(`${ceiling.connections} connections, not the plan's ${planned}: Docker's userland proxy carries the gateway's published port, with ${ceiling.openFiles} open files at up to ${PROXY_FILES_PER_CONNECTION} a connection, and exits for good past them; ${Math.round(100 * ceiling.share)}% of what they allow is flooded (raise dockerd's LimitNOFILE for more)`);
  return { url, connections: ceiling.connections };
}

/**
 * Waits until the gateway is healthy: its health endpoint answers 200 with status "healthy", or, on a gateway
 * without one, an MCP ping on a new session (server/discover on 2026-07-28) is answered. Returns the seconds it took, or null at the timeout.
 */
export async function waitHealthy(gateway: GatewayEndpoints, timeoutMs = 30_000): Promise<number | null> {
  const t0 = performance.now();
  const healthUrl = gateway.healthUrl;
  // 2026-07-28 has no ping: server/discover is the request every stateless server answers.
  const revision = gateway.protocol?.revision ?? DEFAULT_REVISION;
  const aliveCall: McpCall = isStateless(revision) ? { method: 'server/discover' } : { method: 'ping' };
  const alive = healthUrl ? undefined : createOperation(mcpOperation(gateway, aliveCall, 'per-iteration'));
  const healthy = async (): Promise<boolean> => {
    if (alive) {
      const outcome = await alive.iterate({ vu: { id: -1, iteration: 0, data: {} }, signal: AbortSignal.timeout(3000), intendedAt: performance.now() });
      return outcome === undefined || outcome.ok;
    }
    const res = await fetch(healthUrl!, { signal: AbortSignal.timeout(3000) });
    const body = (await res.json().catch(() => ({}))) as { status?: string };
    return res.status === 200 && body.status === 'healthy';
  };
  try {
    while (performance.now() - t0 < timeoutMs) {
      if (await healthy().catch(() => false)) return +((performance.now() - t0) / 1000).toFixed(1);
      await new Promise((r) => setTimeout(r, 500));
    }
    return null;
  } finally {
    await alive?.close?.();
  }
}

/** Mean CPU % and peak memory MB of one monitored target, and peak Postgres connections, over a load phase. */
export function monitorFigures(m: MonitorRecord | undefined, target = 'gateway'): { cpuPercent: number; memoryMB: number; pgConnections: number } {
  const samples = m?.samples.filter((s) => s.target === target) ?? [];
  const cpu = samples.map((s) => s.cpuPercent).filter(Number.isFinite);
  return {
    cpuPercent: cpu.length ? +(cpu.reduce((a, b) => a + b, 0) / cpu.length).toFixed(1) : Number.NaN,
    memoryMB: samples.length ? Math.max(...samples.map((s) => s.memoryMB)) : Number.NaN,
    pgConnections: m?.postgres?.length ? Math.max(...m.postgres.map((p) => p.total)) : Number.NaN,
  };
}

/**
 * Waits until the target has drained what an overload queued: `calls` probe requests in a row each
 * faster than `fastMs`. Returns the seconds it took, or null at the timeout.
 */
export async function waitSettled(operation: OperationSpec, fastMs: number, timeoutMs = 30_000, calls = 3): Promise<number | null> {
  const op = createOperation(operation);
  const vu = { id: -1, iteration: 0, data: {} };
  const t0 = performance.now();
  try {
    let fastInARow = 0;
    while (performance.now() - t0 < timeoutMs) {
      const started = performance.now();
      const outcome = await op.iterate({ vu, signal: AbortSignal.timeout(10_000), intendedAt: started }).catch(() => ({ ok: false }));
      const fast = (outcome === undefined || outcome.ok) && performance.now() - started < fastMs;
      fastInARow = fast ? fastInARow + 1 : 0;
      if (fastInARow >= calls) return +((performance.now() - t0) / 1000).toFixed(1);
      if (!fast) await new Promise((r) => setTimeout(r, 500));
    }
    return null;
  } finally {
    await op.close?.();
  }
}

/** Postgres connections of the gateway's database by state, now (undefined when the stack exposes no database). */
export async function postgresStates(): Promise<Record<string, number> | undefined> {
  const pgInfo = stack().postgres;
  if (!pgInfo) return undefined;
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: pgInfo.connectionString, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return await connectionsByState(client, true);
  } finally {
    await client.end();
  }
}
