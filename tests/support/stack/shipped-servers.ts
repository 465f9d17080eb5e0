import { fileURLToPath } from 'node:url';
import { listToolNames } from '../gateway/mcp-tools.ts';
import { freePort, startProcess, type ManagedProcess } from './process.ts';

export const SERVERS_DIR = fileURLToPath(new URL('../../../fixtures/servers/', import.meta.url));

export interface LocalMcpServer {
  process: ManagedProcess;
  port: number;
  baseUrl: string;
}

/** Starts one of our MCP servers (fixtures/servers) as a local process on a free loopback port. */
export async function startShippedServer(opts: { profile?: 'load' | 'time' | 'all'; name?: string; json?: boolean; port?: number; eras?: 'both' | 'legacy' | 'modern' } = {}): Promise<LocalMcpServer> {
  const port = opts.port ?? await freePort();
  const name = opts.name ?? `mcp-perf-${opts.profile ?? 'all'}`;
  const proc = await startProcess({
    name,
    command: process.execPath,
    args: [`${SERVERS_DIR}main.ts`, '--profile', opts.profile ?? 'all', '--port', String(port), '--host', '127.0.0.1', '--name', name, '--eras', opts.eras ?? 'both', ...(opts.json ? ['--json'] : [])],
    readyUrl: `http://127.0.0.1:${port}/health`,
    readyTimeoutMs: 20_000,
  });
  return { process: proc, port, baseUrl: `http://127.0.0.1:${port}` };
}

/** How many tools an MCP server offers (tools/list to its end), asked of the server itself. */
export async function toolCount(mcpUrl: string, timeoutMs = 15_000): Promise<number> {
  try {
    return (await listToolNames(mcpUrl, {}, timeoutMs)).length;
  } catch (error) {
    throw new Error(`could not list the tools of ${mcpUrl}: ${(error as Error).message}`, { cause: error });
  }
}
