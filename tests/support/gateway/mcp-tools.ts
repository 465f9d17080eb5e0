import { Agent } from 'undici';
import { describeError } from '../engine/errors.ts';
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

/**
 * For a gateway told about its upstreams by a config file: polls its MCP endpoint (every second) until it lists
 * every upstream's tools, and returns them by "upstream/original". Fails at once when `isAlive` says it exited, and
 * at `timeoutMs` naming what was still missing.
 */
export async function waitForUpstreamTools(o: { title: string; mcpUrl: string; headers: Record<string, string>; upstreams: { name: string; expectTools: number }[]; timeoutMs: number; isAlive: () => Promise<boolean> }): Promise<Record<string, string>> {
  const deadline = Date.now() + o.timeoutMs;
  let last = 'no answer yet';
  for (;;) {
    if (!(await o.isAlive())) throw new Error(`${o.title} exited while starting (last: ${last})`);
    const seen = await listToolNames(o.mcpUrl, o.headers).catch((error: unknown) => {
      last = describeError(error);
      return undefined;
    });
    if (seen) {
      const tools = toolsByUpstream(seen, o.upstreams.map((u) => u.name));
      const short = o.upstreams.filter((u) => Object.keys(tools).filter((k) => k.startsWith(`${u.name}/`)).length < u.expectTools);
      if (short.length === 0) return tools;
      last = `${seen.length} tools listed; still missing tools of ${short.map((u) => u.name).join(', ')}`;
    }
    if (Date.now() > deadline) throw new Error(`${o.title} did not list every upstream's tools over ${o.mcpUrl} within ${Math.round(o.timeoutMs / 1000)} s (last: ${last})`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}
