import { join } from 'node:path';
import type { GatewayAdapter, GatewayUpstream, LaunchContext, PreparedGateway } from '../adapter.ts';
import { waitForUpstreamTools } from '../mcp-tools.ts';
import { pinnedVersion } from '../../shared/images-file.ts';
import type { GatewayEndpoints } from '../../shared/stack-info.ts';

/**
 * FastMCP's proxy (PrefectHQ's fastmcp, PyPI): `fastmcp run` on an MCPConfig file that names our MCP servers serves
 * them behind one Streamable HTTP endpoint, each tool as <server>_<tool>. No database, no Redis, no auth, one
 * process (it has no workers setting); no admin API, no health route. Containers only.
 */
const PORT = 8000;
const CONFIG_FILE = 'mcp-perf-mcp.json';

/** The MCPConfig file: one server per upstream, over Streamable HTTP. */
export function fastmcpConfig(upstreams: GatewayUpstream[]): string {
  for (const u of upstreams) {
    if (!/^[A-Za-z0-9_]+$/.test(u.name)) throw new Error(`FastMCP server name "${u.name}" must be letters, digits and _ (it prefixes tool names with "_")`);
  }
  return `${JSON.stringify({ mcpServers: Object.fromEntries(upstreams.map((u) => [u.name, { url: u.url, transport: 'http' }])) }, null, 1)}\n`;
}

async function bootstrap(o: { baseUrl: string; version: string; timeoutMs: number; isAlive: () => Promise<boolean>; upstreams: GatewayUpstream[] }): Promise<GatewayEndpoints> {
  const base = o.baseUrl.replace(/\/$/, '');
  const mcpUrl = `${base}/mcp`;
  const tools = await waitForUpstreamTools({ title: 'FastMCP', mcpUrl, headers: {}, upstreams: o.upstreams, timeoutMs: o.timeoutMs, isAlive: o.isAlive });
  return { kind: 'fastmcp', version: o.version, baseUrl: base, mcpUrl, token: '', capabilities: [], tools, upstreams: o.upstreams.map((u) => ({ name: u.name, url: u.url })), workers: 1 };
}

export const fastmcp: GatewayAdapter = {
  kind: 'fastmcp',
  title: 'FastMCP proxy',
  version: pinnedVersion('fastmcp'),
  capabilities: [],
  image: {
    role: 'fastmcp', port: PORT, configDir: '/app', startupTimeoutMs: 60_000,
    build: { dockerfile: '../../tests/support/gateway/fastmcp/fastmcp.Dockerfile', versionArg: 'FASTMCP_VERSION' },
  },
  needs: { postgres: false, redis: false },

  prepare(c: LaunchContext): PreparedGateway {
    const configPath = join(c.dir, CONFIG_FILE);
    return {
      env: { ...c.extraEnv },
      // --skip-env: the image's virtualenv is the environment (fastmcp run would otherwise set one up with uv).
      args: ['run', configPath, '--transport', 'http', '--host', c.host, '--port', String(c.port), '--no-banner', '--skip-env', '--log-level', 'WARNING'],
      files: [{ content: fastmcpConfig(c.upstreams), target: configPath, mode: 0o444 }],
      bootstrap: (o) => bootstrap({ ...o, upstreams: c.upstreams }),
    };
  },

  // Its ASGI app is built when it runs: the gate benchmark's known regression wraps what uvicorn loads.
  extraCost: { appModule: 'uvicorn.config', pythonPath: '/app' },
};

export default fastmcp;
