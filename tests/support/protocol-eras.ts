// Two MCP revisions measured side by side on one stack: the A/B machinery's alternating rounds, with the two arms
// being two ways of calling the same gateway (2026-07-28 stateless against 2025-era sessions) instead of two
// gateways. What a gateway team asks of the new revision: what it costs or saves per call.
import { Agent } from 'undici';
import { runAbCase, type AbCaseSpec, type AbMetric } from './ab-gate.ts';
import { classifyError, failureKey } from './engine/errors.ts';
import type { OperationSpec } from './mcp/operations.ts';
import { isStateless, type McpRevision } from './mcp/protocol.ts';
import type { StreamableSpec } from './mcp/operations/streamable.ts';
import { StreamableHttpClient } from './mcp/streamable-http-client.ts';
import type { ScenarioInput } from './engine/scenario.ts';
import { authHeaders, preflight, reportNote, upstreamRevisions } from './perf-case.ts';
import type { AbOutcome } from './shared/ab-outcome.ts';
import type { GatewayEndpoints, StackInfo } from './shared/stack-info.ts';

/** One way of calling the gateway: a revision, and (2025-era) whether each call opens its own session. */
export interface EraArm {
  protocol: McpRevision;
  session: 'per-vu' | 'per-iteration';
  /** An agent's step: tools/list before the call, every time or kept for its ttlMs. */
  listFirst?: StreamableSpec['listFirst'];
}

export function armName(arm: EraArm): string {
  const list = arm.listFirst ? `, tools/list ${arm.listFirst === 'always' ? 'every step' : 'kept for its ttlMs'}` : '';
  if (isStateless(arm.protocol)) return `${arm.protocol} stateless${list}`;
  return `${arm.protocol} ${arm.session === 'per-vu' ? 'session reused' : 'session per call'}${list}`;
}

export function armOperation(gw: GatewayEndpoints, arm: EraArm, call: StreamableSpec['call']): OperationSpec {
  return { kind: 'streamable', url: gw.mcpUrl, headers: authHeaders(gw), session: arm.session, protocol: arm.protocol, call, ...(arm.listFirst ? { listFirst: arm.listFirst } : {}) };
}

/**
 * Why an arm cannot be measured on this gateway, as a finding (the gateway refused the revision), or undefined
 * when its first call was answered. Any other failure is the stack's, and is thrown as preflight throws it.
 */
export async function armRefused(gw: GatewayEndpoints, arm: EraArm, call: StreamableSpec['call']): Promise<string | undefined> {
  try {
    await preflight(`protocol eras: ${armName(arm)}`, armOperation(gw, arm, call));
    return undefined;
  } catch (error) {
    const failure = classifyError((error as Error).cause ?? error);
    if (failure.class !== 'protocol') throw error;
    return `${gw.kind} ${gw.version} refuses MCP ${arm.protocol}: ${failureKey(failure)}: ${failure.message ?? ''}`;
  }
}

/**
 * Whether the gateway keeps a session for a 2025-era client: an initialize answered with Mcp-Session-Id, or
 * not (a gateway may answer initialize and keep nothing; ContextForge does unless USE_STATEFUL_SESSIONS is set).
 */
export async function sessionModeNote(gw: GatewayEndpoints, protocol: McpRevision): Promise<string> {
  const agent = new Agent({ connections: 1 });
  const client = new StreamableHttpClient({ url: gw.mcpUrl, dispatcher: agent, headers: authHeaders(gw), protocol });
  try {
    await client.initialize({ signal: AbortSignal.timeout(15_000) });
    const held = client.sessionId !== undefined;
    await client.close({ signal: AbortSignal.timeout(15_000) });
    return held
      ? `${gw.kind} keeps server-side sessions on MCP ${protocol}: its initialize answered with an Mcp-Session-Id`
      : `${gw.kind} keeps no server-side session on MCP ${protocol}: its initialize answered without an Mcp-Session-Id, so "session reused" costs it no session state`;
  } finally {
    await agent.close();
  }
}

export const eraMetrics: AbMetric[] = [
  { name: 'throughput', unit: 'calls/s', direction: 'lower-is-worse', of: (f) => f.result.rate.achieved },
  { name: 'gateway CPU per call', unit: 'ms', direction: 'higher-is-worse', of: (f) => f.gatewayCpuMsPerCall },
  { name: 'latency p50', unit: 'ms', direction: 'higher-is-worse', of: (f) => f.result.latency.p50 },
  { name: 'latency p95', unit: 'ms', direction: 'higher-is-worse', of: (f) => f.result.latency.p95 },
  { name: 'latency p99', unit: 'ms', direction: 'higher-is-worse', of: (f) => f.result.latency.p99 },
];

/**
 * The same load on two arms of one stack, in alternating rounds: head against base, each metric with its paired
 * interval. No run-to-run term: both arms share the stack, so nothing differs between them but the protocol.
 */
export async function compareArms(info: StackInfo, base: EraArm, head: EraArm, spec: Omit<AbCaseSpec, 'phase' | 'arms' | 'metrics'> & { call: StreamableSpec['call']; scenario: ScenarioInput }): Promise<AbOutcome> {
  const gw = info.gateway!;
  const arms = { base, head };
  const upstream = await upstreamRevisions();
  const outcome = await runAbCase({ base: info, head: info, describe: { base: armName(base), head: armName(head) } }, {
    ...spec,
    metrics: eraMetrics,
    arms: { base: armName(base), head: armName(head) },
    phase: (_stack, label) => ({ scenario: spec.scenario, operation: armOperation(gw, arms[label], spec.call) }),
  }, console.log, { noise: null, from: 'none: both arms run on one stack' });
  reportNote(`MCP hops: client: ${armName(base)} and ${armName(head)} in turn; the gateway to our MCP servers: ${await upstream()}`);
  return outcome;
}
