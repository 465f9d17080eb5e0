import { Agent } from 'undici';
import { StreamableHttpClient } from '../mcp/streamable-http-client.ts';

// Tool discovery over standard MCP, for gateways that have no admin API the suite uses.

/**
 * Maps the gateway's tool names onto "upstream/original": a listed name is an upstream's name, a separator
 * (- _ / .), then the tool's own name; the longest upstream name that fits wins (perf_load_1 before perf_load).
 */
export function toolsByUpstream(listed: string[], upstreams: string[]): Record<string, string> {
  const byLength = [...upstreams].sort((a, b) => b.length - a.length);
  const out: Record<string, string> = {};
  for (const name of listed) {
    const up = byLength.find((u) => name.length > u.length + 1 && name.startsWith(u) && '-_/.'.includes(name[u.length]!));
    if (up) out[`${up}/${name.slice(up.length + 1)}`] = name;
  }
  return out;
}

/** The names of every tool an MCP endpoint lists (initialize, tools/list to its end, close). */
export async function listToolNames(mcpUrl: string, headers: Record<string, string>, timeoutMs = 15_000): Promise<string[]> {
  const agent = new Agent();
  const client = new StreamableHttpClient({ url: mcpUrl, dispatcher: agent, headers });
  try {
    const signal = AbortSignal.timeout(timeoutMs);
    await client.initialize({ signal });
    const tools = await client.listAllTools({ signal });
    await client.close({ signal });
    return tools.result.map((t) => t.name);
  } finally {
    await agent.close();
  }
}
