/** An MCP server reachable from this machine without the gateway. */
export interface DirectServer {
  name: string;
  profile: 'load' | 'time' | 'all';
  baseUrl: string;
  mcpUrl: string;
  sseUrl: string;
  wsUrl: string;
  healthUrl: string;
  /** Container id, when it runs in one (for CPU/memory sampling). */
  containerId?: string;
  pid?: number;
}

/** The endpoints of one of our MCP servers at baseUrl (it serves /mcp, /sse, /ws and /health). */
export function directServer(name: string, profile: DirectServer['profile'], baseUrl: string, where: { containerId?: string; pid?: number }): DirectServer {
  return {
    name, profile, baseUrl, mcpUrl: `${baseUrl}/mcp`, sseUrl: `${baseUrl}/sse`, wsUrl: `${baseUrl.replace(/^http/, 'ws')}/ws`, healthUrl: `${baseUrl}/health`, ...where,
  };
}

export interface GatewayEndpoints {
  kind: 'contextforge';
  version: string;
  baseUrl: string;
  /** Bearer token for every request (admin). */
  token: string;
  rpcUrl: string;
  healthUrl: string;
  readyUrl: string;
  metricsUrl: string;
  wsUrl: string;
  virtualServer: { id: string; mcpUrl: string; sseUrl: string };
  /** Gateway tool name by "upstream/original", e.g. "fast_time/get_system_time" -> "fast-time-get-system-time". */
  tools: Record<string, string>;
  upstreams: { name: string; gatewayId: string; url: string }[];
  workers: number;
  /** SQLAlchemy pool of each worker (DB_POOL_SIZE, DB_MAX_OVERFLOW), where the suite configured it. */
  dbPool?: { size: number; maxOverflow: number };
  /** The server settings in effect, as the gateway's entrypoint printed them, and what in them makes a run unfair. */
  settings?: { text: string; problems: string[] };
  containerId?: string;
  pid?: number;
}

export type ProviderName = 'containers' | 'local' | 'external' | 'direct';

/** What the stack hands to perf cases (via Vitest provide/inject): plain JSON. */
export interface StackInfo {
  provider: ProviderName;
  /** Why this provider was chosen, and what was adjusted for this machine. */
  reason: string;
  gateway?: GatewayEndpoints;
  direct: DirectServer[];
  postgres?: { connectionString: string; containerId?: string };
  redis?: { url: string; containerId?: string };
  images?: Record<string, string>;
  /** What it takes to start more gateway instances beside this one (containers stack only; holds secrets). */
  scaleOut?: ScaleOut;
  startedInMs: number;
}

export interface ScaleOut {
  /** The Docker network the stack's containers share (aliases: gateway, postgres, redis, upstreams). */
  network: string;
  gatewayImage: string;
  serversImage: string;
  /** The first instance's environment: same database, Redis and secrets. */
  gatewayEnv: Record<string, string>;
  gatewayPort: number;
  /** Labels that put new containers under the run's teardown. */
  labels: Record<string, string>;
  /** The host address published ports bind (127.0.0.1 unless PERF_BIND_HOST says otherwise). */
  bindHost: string;
}

export interface StartedStack {
  info: StackInfo;
  /** Both stacks, when this is an A/B run (info is then the head's). */
  ab?: AbStacks;
  stop(): Promise<void>;
}

export type AbLabel = 'base' | 'head';

/** Both stacks of an A/B run, as cases receive them. */
export interface AbStacks {
  base: StackInfo;
  head: StackInfo;
  /** What each side runs, e.g. "ghcr.io/ibm/mcp-context-forge:v1.1.0 + 9 ms CPU per MCP request". */
  describe: Record<AbLabel, string>;
}
