import { callMcp, jsonRpcOf, walksPages, type McpCall } from '../mcp-call.ts';
import { RpcClient } from '../rpc-client.ts';
import { ok, q, urlOf, type OperationKind, type TransportSpec } from './kind.ts';

export type RpcSpec = TransportSpec & { kind: 'rpc'; url: string; headers?: Record<string, string>; call: McpCall };

/** One JSON-RPC POST per call, no session (ContextForge's /rpc). */
export const rpc: OperationKind<RpcSpec, unknown> = {
  kind: 'rpc',
  validate: (spec) => void urlOf(spec),
  describe: (spec) => `${spec.call.method} over JSON-RPC at ${spec.url}`,
  create(spec, { agent, close }) {
    const client = new RpcClient({ url: spec.url, dispatcher: agent, headers: spec.headers });
    return { iterate: async ({ signal }) => ok(await callMcp(client, spec.call, signal)), close };
  },
  k6(spec, { headers, tag }) {
    const [method, params] = jsonRpcOf(spec.call);
    return `(vu) => rpcCall(${q(spec.url)}, ${headers}, ${q(method)}, ${JSON.stringify(params ?? null)}, ${q(tag)}${walksPages(spec.call) ? ', true' : ''})`;
  },
};
