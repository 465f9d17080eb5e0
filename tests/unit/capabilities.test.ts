import { afterEach, describe, expect, it, vi } from 'vitest';
import { needs, skipReason, titled, toolOperation } from '../support/perf-case.ts';
import type { GatewayEndpoints, StackInfo } from '../support/shared/stack-info.ts';

const litellm: GatewayEndpoints = {
  kind: 'litellm', version: '1', baseUrl: 'http://g', mcpUrl: 'http://g/mcp/', token: 'sk', capabilities: ['health'],
  healthUrl: 'http://g/health/readiness', tools: {}, upstreams: [], workers: 2,
};
const contextforge: GatewayEndpoints = { ...litellm, kind: 'contextforge', mcpUrl: 'http://g/servers/1/mcp', capabilities: ['health', 'rpc', 'admin-api'], rpcUrl: 'http://g/rpc' };
const stackWith = (gateway?: GatewayEndpoints): StackInfo => ({ provider: 'containers', reason: 'test', gateway, direct: [], startedInMs: 0 });
const call = { method: 'tools/call' as const, name: 't', arguments: {} };

describe('gateway capabilities', () => {
  afterEach(() => vi.unstubAllEnvs());

  it('skips what a gateway lacks, naming it, and nothing on a gateway that has it', () => {
    expect(skipReason(stackWith(litellm), 'admin-api', 'rpc')).toBe('litellm has no REST admin API, JSON-RPC shortcut (/rpc)');
    expect(skipReason(stackWith(contextforge), 'admin-api', 'rpc')).toBeUndefined();
    expect(skipReason(stackWith(litellm))).toBeUndefined();
    expect(skipReason(stackWith())).toMatch(/^no gateway in this stack \(containers: test\)/);
    expect(titled('multi-server', 'litellm has no X')).toBe('multi-server (skipped: litellm has no X)');
    expect(titled('multi-server', undefined)).toBe('multi-server');
  });

  it('fails loudly when a case uses an endpoint its gateway lacks instead of skipping', () => {
    expect(needs(contextforge.rpcUrl, contextforge, 'rpc')).toBe('http://g/rpc');
    expect(() => needs(litellm.rpcUrl, litellm, 'rpc')).toThrow(/litellm has no JSON-RPC shortcut \(\/rpc\): this case should have been skipped/);
  });

  it('calls tools over /rpc where the gateway has it, standard MCP elsewhere, and standard MCP everywhere with PERF_TRANSPORT=mcp', () => {
    expect(toolOperation(contextforge, call)).toMatchObject({ via: '/rpc', op: { kind: 'rpc', url: 'http://g/rpc', headers: { authorization: 'Bearer sk' } } });
    expect(toolOperation(litellm, call)).toMatchObject({ via: '/mcp', op: { kind: 'streamable', url: 'http://g/mcp/', session: 'per-vu' } });
    vi.stubEnv('PERF_TRANSPORT', 'mcp');
    expect(toolOperation(contextforge, call)).toMatchObject({ via: '/mcp', op: { kind: 'streamable', url: 'http://g/servers/1/mcp' } });
  });
});
