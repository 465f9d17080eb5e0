import { describe, expect, it } from 'vitest';
import { createOperation, describeOperation, k6Operation, validateOperation, type OperationSpec } from '../support/mcp/operations.ts';

const call = { method: 'tools/call' as const, name: 't', arguments: { a: 1 } };

describe('operation kinds: each checks its spec, says what it does, and has a k6 form', () => {
  it('refuses a spec that cannot run, saying what to write', () => {
    expect(() => validateOperation({ kind: 'rpc', url: '127.0.0.1:4444/rpc', call })).toThrow(/a rpc operation needs an absolute URL \(e\.g\. http:\/\/127\.0\.0\.1:4444\/rpc\), got "127\.0\.0\.1:4444\/rpc"/);
    expect(() => validateOperation({ kind: 'streamable', url: 'http://x/mcp', call, session: 'sometimes' } as unknown as OperationSpec)).toThrow(/session must be per-vu or per-iteration, got sometimes/);
    expect(() => validateOperation({ kind: 'streamable', url: 'http://x/mcp', call, session: 'per-vu', protocol: '2026-01-01' } as unknown as OperationSpec)).toThrow(/protocol must be one of 2025-06-18, 2025-11-25, 2026-07-28, got 2026-01-01/);
    expect(() => validateOperation({ kind: 'http-paged', url: 'http://x/v1/tools', maxPages: 0 })).toThrow(/maxPages must be a whole number > 0/);
    expect(() => validateOperation({ kind: 'mix', items: [{ name: 'a', weight: 0, op: { kind: 'http-get', url: 'http://x/health' } }] })).toThrow(/mix item "a": weight must be a positive number/);
    expect(() => validateOperation({ kind: 'mix', items: [{ name: 'a', weight: 1, op: { kind: 'http-get', url: 'nope' } }] })).toThrow(/a http-get operation needs an absolute URL/);
    expect(() => validateOperation({ kind: 'grpc', url: 'http://x' } as unknown as OperationSpec)).toThrow(/"grpc" is not an operation kind: use http-get, http, http-paged, rpc, streamable, mix/);
    expect(() => createOperation({ kind: 'rpc', url: 'not a url', call })).toThrow(/needs an absolute URL/);
  });

  it('describes itself for preflight errors', () => {
    expect(describeOperation({ kind: 'streamable', url: 'http://x/mcp', call, session: 'per-vu' })).toBe('tools/call over Streamable HTTP at http://x/mcp (MCP 2025-06-18, a session per VU)');
    expect(describeOperation({ kind: 'streamable', url: 'http://x/mcp', call, session: 'per-iteration', protocol: '2026-07-28' })).toBe('tools/call over Streamable HTTP at http://x/mcp (MCP 2026-07-28, stateless, a new client per call)');
    expect(describeOperation({ kind: 'http', url: 'http://x/v1/servers', body: '{}' })).toBe('POST http://x/v1/servers');
  });

  it('writes its k6 form with the runtime function of its kind', () => {
    const ctx = { headers: '{}', tag: 'op' };
    expect(k6Operation({ kind: 'rpc', url: 'http://x/rpc', call }, ctx)).toBe('(vu) => rpcCall("http://x/rpc", {}, "tools/call", {"name":"t","arguments":{"a":1}}, "op")');
    expect(k6Operation({ kind: 'streamable', url: 'http://x/mcp', call: { method: 'ping' }, session: 'per-iteration' }, ctx)).toBe('(vu) => streamableCall(vu, "http://x/mcp", {}, "ping", null, "per-iteration", "op")');
    expect(k6Operation({ kind: 'streamable', url: 'http://x/mcp', call, session: 'per-vu', protocol: '2026-07-28' }, ctx)).toBe('(vu) => statelessCall("http://x/mcp", {}, "tools/call", {"name":"t","arguments":{"a":1}}, "2026-07-28", "op")');
    expect(k6Operation({ kind: 'http-get', url: 'http://x/health', expect: [200] }, ctx)).toBe('(vu) => okStatus(send(\'GET\', "http://x/health", null, {}, "op"), [200])');
  });
});
