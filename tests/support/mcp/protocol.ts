// The MCP revisions the client speaks, and what the stateless one (2026-07-28) puts on every request: the
// `_meta` envelope (protocol version, client capabilities, client info) and the routing headers a plain HTTP
// balancer reads (MCP-Protocol-Version, Mcp-Method, Mcp-Name).

/** Oldest first. 2025-era revisions open a session with initialize; 2026-07-28 has none. */
export const MCP_REVISIONS = ['2025-06-18', '2025-11-25', '2026-07-28'] as const;
export type McpRevision = (typeof MCP_REVISIONS)[number];

/** What a client speaks when nobody chose: the revision this suite spoke before it knew any other. */
export const DEFAULT_REVISION: McpRevision = '2025-06-18';

export function isMcpRevision(value: unknown): value is McpRevision {
  return typeof value === 'string' && (MCP_REVISIONS as readonly string[]).includes(value);
}

/** 2026-07-28 and later: no initialize, no Mcp-Session-Id; every request carries its own envelope. */
export function isStateless(revision: McpRevision): boolean {
  return revision >= '2026-07-28';
}

/** JSON-RPC codes of 2026-07-28 (mcp-types 2.3.0, jsonrpc.py). */
export const HEADER_MISMATCH = -32020;
export const UNSUPPORTED_PROTOCOL_VERSION = -32022;

const META = {
  protocolVersion: 'io.modelcontextprotocol/protocolVersion',
  clientCapabilities: 'io.modelcontextprotocol/clientCapabilities',
  clientInfo: 'io.modelcontextprotocol/clientInfo',
} as const;

/** The param whose value a 2026-07-28 request mirrors in Mcp-Name. */
const NAME_PARAM: Record<string, string> = { 'tools/call': 'name', 'prompts/get': 'name', 'resources/read': 'uri' };

export const CLIENT_INFO = { name: 'mcp-perf', version: '0.1.0' };

/** params with the 2026-07-28 envelope merged into their `_meta` (a progress token already there is kept). */
export function withEnvelope(revision: McpRevision, params: Record<string, unknown> | undefined): Record<string, unknown> {
  const meta = (params?._meta ?? {}) as Record<string, unknown>;
  return {
    ...params,
    _meta: { ...meta, [META.protocolVersion]: revision, [META.clientCapabilities]: {}, [META.clientInfo]: CLIENT_INFO },
  };
}

/**
 * A header value that survives HTTP as it is, or wrapped in the `=?base64?…?=` sentinel the specification gives for
 * one that would not (non-ASCII, control characters, edge white space).
 */
export function headerValue(value: string): string {
  if (/^[\x20-\x7e]*$/.test(value) && value === value.trim() && !/^=\?base64\?.*\?=$/.test(value)) return value;
  return `=?base64?${Buffer.from(value, 'utf8').toString('base64')}?=`;
}

/** The routing headers of one 2026-07-28 request. */
export function routingHeaders(revision: McpRevision, method: string, params: Record<string, unknown> | undefined): Record<string, string> {
  const headers: Record<string, string> = { 'mcp-protocol-version': revision, 'mcp-method': method };
  const key = NAME_PARAM[method];
  const name = key ? params?.[key] : undefined;
  if (typeof name === 'string') headers['mcp-name'] = headerValue(name);
  return headers;
}
