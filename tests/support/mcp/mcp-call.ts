import { randomInt } from 'node:crypto';
import { OperationFailure } from '../engine/errors.ts';
import type { McpClient, McpReply } from './client.ts';

/** One MCP call, as data (so a worker thread can rebuild it). */
export type McpCall =
  | { method: 'ping' }
  /** 2026-07-28: what the server speaks, asked without a session (the stateless revision has no ping). */
  | { method: 'server/discover' }
  | { method: 'tools/list'; all?: boolean }
  | {
      method: 'tools/call';
      name: string;
      arguments?: Record<string, unknown>;
      /**
       * The isolation check: `argument` gets a new random integer on every call (as a number, or as a string
       * for tools that take text), and the answer must echo it in its text, or the call fails as
       * isolation:nonce, an answer that belonged to another caller. For tools that echo an argument:
       * fast_compute with { b: 0 } and nonce { argument: 'a' }; server-everything's echo with { argument: 'message', type: 'string' }.
       */
      nonce?: { argument: string; type?: 'number' | 'string' };
      /** Ask for progress notifications (_meta.progressToken), so a tool that reports progress streams it. */
      progress?: boolean;
    }
  | { method: 'resources/list'; all?: boolean }
  | { method: 'resources/read'; uri: string }
  | { method: 'prompts/list'; all?: boolean }
  | { method: 'prompts/get'; name: string; arguments?: Record<string, string> };

export function callMcp(client: McpClient, call: McpCall, signal: AbortSignal): Promise<McpReply<unknown>> {
  const opts = { signal, progress: call.method === 'tools/call' ? call.progress : undefined };
  switch (call.method) {
    case 'ping': return client.ping(opts);
    case 'server/discover': return client.discover(opts);
    case 'tools/list': return call.all ? client.listAllTools(opts) : client.listTools(undefined, opts);
    case 'tools/call': return call.nonce ? callWithNonce(client, call, call.nonce, opts) : client.callTool(call.name, call.arguments ?? {}, opts);
    case 'resources/list': return call.all ? client.listAllResources(opts) : client.listResources(undefined, opts);
    case 'resources/read': return client.readResource(call.uri, opts);
    case 'prompts/list': return call.all ? client.listAllPrompts(opts) : client.listPrompts(undefined, opts);
    case 'prompts/get': return client.getPrompt(call.name, call.arguments ?? {}, opts);
  }
}

async function callWithNonce(client: McpClient, call: Extract<McpCall, { method: 'tools/call' }>, nonceOf: { argument: string; type?: 'number' | 'string' }, opts: { signal: AbortSignal }): Promise<McpReply<unknown>> {
  const nonce = randomInt(1, 2 ** 47);
  const argument = nonceOf.argument;
  const reply = await client.callTool(call.name, { ...call.arguments, [argument]: nonceOf.type === 'string' ? String(nonce) : nonce }, opts);
  const text = reply.result.content.map((c) => c.text ?? '').join(' ');
  if (!text.includes(String(nonce))) {
    throw new OperationFailure({ class: 'isolation', code: 'nonce', message: `tools/call ${call.name} sent ${argument}=${nonce}; the answer does not echo it: ${text.slice(0, 160)}` });
  }
  return reply;
}

/** Whether a call walks a list through every page (tools/list, resources/list, prompts/list with all). */
export function walksPages(call: McpCall): boolean {
  return 'all' in call && call.all === true;
}

/** The JSON-RPC method and params of a call (for k6 scripts, which speak the wire format). */
export function jsonRpcOf(call: McpCall): [string, Record<string, unknown> | undefined] {
  switch (call.method) {
    case 'ping': return ['ping', undefined];
    case 'server/discover': return ['server/discover', undefined];
    case 'tools/list': return ['tools/list', undefined];
    case 'tools/call': return ['tools/call', { name: call.name, arguments: call.arguments ?? {} }];
    case 'resources/list': return ['resources/list', undefined];
    case 'resources/read': return ['resources/read', { uri: call.uri }];
    case 'prompts/list': return ['prompts/list', undefined];
    case 'prompts/get': return ['prompts/get', { name: call.name, arguments: call.arguments ?? {} }];
  }
}
