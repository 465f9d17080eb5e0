// Baseline names carry the MCP revision a phase or figure was measured on, so that 2026-07-28 figures are never
// judged by 2025-06-18 baselines (the run's default revision is now the newest the gateway answers).
import { describe, expect, it } from 'vitest';
import { figureName, nameWithRevision } from '../support/perf-case.ts';
import type { GatewayEndpoints } from '../support/shared/stack-info.ts';
import type { OperationSpec } from '../support/mcp/operations.ts';

const gateway = { mcpUrl: 'http://gw/mcp', protocol: { revision: '2026-07-28', how: 'auto', chosenBy: 'discover' } } as unknown as GatewayEndpoints;
const call = { method: 'tools/call' as const, name: 't' };

describe('names with the revision they were measured on', () => {
  it('a figure over the gateway\'s MCP endpoint, on the run\'s 2026-07-28, carries it; on 2025-06-18 or /rpc it does not', () => {
    const mcp: OperationSpec = { kind: 'streamable', url: 'http://gw/mcp', session: 'per-vu', call };
    expect(figureName('gateway overhead p50 Streamable HTTP', mcp, gateway)).toBe('gateway overhead p50 Streamable HTTP [MCP 2026-07-28]');
    expect(figureName('PERF-03 knee rate', { kind: 'rpc', url: 'http://gw/rpc', call }, gateway)).toBe('PERF-03 knee rate');
    expect(figureName('x', { ...mcp, protocol: '2025-06-18' }, gateway)).toBe('x');
    // Run without a revision chosen (direct stacks, older runs): as before.
    expect(figureName('x', mcp, undefined)).toBe('x');
  });

  it('a phase name gets the revision once, and a mix names each revision its items speak', () => {
    const stateless: OperationSpec = { kind: 'streamable', url: 'http://gw/mcp', session: 'per-vu', call, protocol: '2026-07-28' };
    expect(nameWithRevision('p', stateless)).toBe('p [MCP 2026-07-28]');
    expect(nameWithRevision('p [MCP 2026-07-28]', stateless)).toBe('p [MCP 2026-07-28]');
    const mix: OperationSpec = { kind: 'mix', items: [{ name: 'a', weight: 1, op: stateless }, { name: 'b', weight: 1, op: { ...stateless, protocol: '2025-11-25' } }] };
    expect(nameWithRevision('m', mix)).toBe('m [MCP 2026-07-28, 2025-11-25]');
  });
});
