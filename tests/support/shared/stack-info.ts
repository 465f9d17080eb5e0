import type { ChosenRevision } from '../mcp/negotiate.ts';

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

/**
 * A gateway adapter's name (tests/support/gateway/<kind>/, PERF_GATEWAY), or mcp: any gateway, reached over
 * standard MCP only (PERF_STACK=external with PERF_GATEWAY_MCP_URL).
 */
export type GatewayKind = string;

/**
 * What a gateway offers beyond standard MCP over Streamable HTTP (which every gateway has): a case or phase
 * that needs one of these skips, saying so, on a gateway without it.
 */
export type GatewayCapability = 'health' | 'rpc' | 'sse' | 'ws' | 'admin-api' | 'prometheus' | 'database';

export interface GatewayEndpoints {
  kind: GatewayKind;
  version: string;
  baseUrl: string;
  /** Standard MCP (Streamable HTTP) with every upstream's tools. */
  mcpUrl: string;
  /** Bearer token every request carries (ContextForge: an admin JWT; LiteLLM: its master key). */
  token: string;
  capabilities: GatewayCapability[];
  /** Capability health: answers 200 with {"status": "healthy"} when the gateway is up. */
  healthUrl?: string;
  /** Answers 200 once the gateway serves (its start-up is over). */
  readyUrl?: string;
  /** ContextForge's JSON-RPC shortcut (capability rpc). */
  rpcUrl?: string;
  /** Capability prometheus. */
  metricsUrl?: string;
  /** Capability ws. */
  wsUrl?: string;
  /** ContextForge's virtual server with every tool: its Streamable HTTP endpoint is mcpUrl; sseUrl is capability sse. */
  virtualServer?: { id: string; mcpUrl: string; sseUrl: string };
  /** Gateway tool name by "upstream/original", e.g. "fast_time/get_system_time" -> "fast-time-get-system-time". */
  tools: Record<string, string>;
  /** gatewayId: the upstream's id in the gateway's admin API, where it has one. */
  upstreams: { name: string; gatewayId?: string; url: string }[];
  workers: number;
  /** SQLAlchemy pool of each worker (DB_POOL_SIZE, DB_MAX_OVERFLOW), where the suite configured it. */
  dbPool?: { size: number; maxOverflow: number };
  /** The server settings in effect, as the gateway's entrypoint printed them, and what in them makes a run unfair. */
  settings?: { text: string; problems: string[] };
  containerId?: string;
  pid?: number;
  /**
   * baseUrl's counterpart on the container network, where this machine reaches it (it is the Docker host): past
   * Docker's userland proxy, whose descriptors a flood of connections exhausts first (PERF-06).
   */
  unproxiedBaseUrl?: string;
  /** The MCP revision the run speaks to mcpUrl (PERF_MCP_PROTOCOL, or asked of the gateway), and how it was chosen. */
  protocol?: ChosenRevision;
}

/** Postgres connections the gateway's pools can open in all: workers x (size + overflow), when known. */
export function poolCapacity(gw: Pick<GatewayEndpoints, 'workers' | 'dbPool'> | undefined): number | undefined {
  return gw?.dbPool ? gw.workers * (gw.dbPool.size + gw.dbPool.maxOverflow) : undefined;
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
  /** The gateway's adapter (PERF_GATEWAY), named in errors. */
  gatewayKind: string;
  gatewayImage: string;
  serversImage: string;
  /** The first instance's environment, arguments, files and tmpfs: same database, Redis, secrets and upstreams. */
  gatewayEnv: Record<string, string>;
  gatewayArgs?: string[];
  gatewayFiles: { content: string; target: string; mode: number }[];
  /** Directories copied into it and bind mounts (the extra-cost wrapper and its knob, when the gateway is slowed). */
  gatewayDirs?: { source: string; target: string }[];
  gatewayMounts?: { source: string; target: string; mode: 'ro' }[];
  gatewayTmpfs?: Record<string, string>;
  gatewayPort: number;
  /** Answers 200 once an instance serves; without one, an instance is ready when it listens. */
  readyPath?: string;
  /** The gateway's ASGI app, for an extra-cost wrapper on one instance (PERF_SCALING_SECOND_EXTRA_CPU_MS); absent when its adapter names none. */
  extraCostApp?: { appModule: string; pythonPath: string };
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

/** The gateway the suite starts when PERF_GATEWAY is unset; its baselines and noise file sit at the top of baselines/. */
export const DEFAULT_GATEWAY = 'contextforge';
