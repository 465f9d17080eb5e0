import type { GatewayCapability, GatewayEndpoints } from '../shared/stack-info.ts';
import type { Config } from '../shared/config.ts';
import type { LocalInstall } from './local-install.ts';

// What the stack needs to know about a gateway, one adapter per folder (like a Testcontainers module). The
// stack does the starting (containers, processes, networks, teardown); an adapter only describes.

/** An upstream MCP server, at the URL the gateway reaches it by. */
export interface GatewayUpstream {
  /** The name the gateway knows it by; its tools are listed as <name><separator><tool>. */
  name: string;
  /** Its Streamable HTTP endpoint, as the gateway reaches it. */
  url: string;
  /** Tools it must show through the gateway before the gateway counts as ready. */
  expectTools: number;
}

/** The database and Redis the stack started for the gateway (only those it `needs`), as the gateway reaches them. */
export interface GatewayDependencies {
  postgres?: { host: string; port: number; user: string; password: string; database: string };
  redis?: { host: string; port: number };
}

/** The database a gateway wants: its name, and how many connections its workers may hold at most. */
export interface PostgresNeed {
  database: string;
  maxConnections(workers: number): number;
}

/** Where and how the gateway is about to run. */
export interface LaunchContext {
  where: 'container' | 'local';
  /** The address and port it must listen on. */
  host: string;
  port: number;
  workers: number;
  upstreams: GatewayUpstream[];
  deps: GatewayDependencies;
  /** A directory for the files it is given: in the container, or a temporary directory of this machine. */
  dir: string;
  /** PERF_GATEWAY_ENV and the like, applied last. */
  extraEnv: Record<string, string>;
}

export interface PreparedGateway {
  env: Record<string, string>;
  /** Arguments: after the image's entrypoint in a container, after the executable for a local process. */
  args?: string[];
  /** Files it reads at start (a config file naming its upstreams), written under LaunchContext.dir. */
  files: { content: string; target: string; mode?: number }[];
  /**
   * Waits until it serves, tells it about the upstreams where a config file did not, and returns its endpoints.
   * `isAlive` says whether its process or container still runs (a start-up that died fails at once).
   */
  bootstrap(o: { baseUrl: string; version: string; timeoutMs: number; isAlive: () => Promise<boolean> }): Promise<GatewayEndpoints>;
}

/** A gateway's admin API as the cases use it (capability admin-api). */
export interface GatewayAdmin {
  /** Registers an MCP server and waits until its tools are listed; returns its id and the gateway's name of each of its tools, by the tool's own name. */
  addUpstream(up: GatewayUpstream, timeoutMs: number): Promise<{ id: string; tools: Record<string, string> }>;
  removeUpstream(id: string): Promise<void>;
  /** Deletes the virtual servers whose names start with `prefix` (what a write-path case created); returns how many. */
  deleteServersNamed(prefix: string): Promise<number>;
}

export interface GatewayAdapter {
  /** PERF_GATEWAY's value. */
  kind: string;
  /** For people: "ContextForge". */
  title: string;
  /** The release fixtures/images/images.json pins (what a local install and the local image run). */
  version: string;
  capabilities: readonly GatewayCapability[];
  /** Its image role in fixtures/images/images.json, the port it listens on there, and tmpfs mounts it wants. */
  image: {
    role: string; port: number; configDir: string; tmpfs?: Record<string, string>; startupTimeoutMs: number;
    /**
     * How fixtures/images builds it: from a released version (`dockerfile`, under fixtures/images or a path from there,
     * on the Debian `base`, trixie by default; the version as build argument `versionArg`),
     * and from a source checkout (`sourceDockerfile`, built with the checkout as its context). A/B sides pypi:<version>
     * and source:<dir> use them.
     */
    build?: { dockerfile: string; versionArg: string; sourceDockerfile?: string; base?: 'bookworm' | 'trixie' };
  };
  /**
   * What the stack starts for it besides the upstream MCP servers: a PostgreSQL database (its name, and the
   * connections its workers may open: max_connections is set from it) and Redis, or false.
   */
  needs: { postgres: PostgresNeed | false; redis: boolean };
  prepare(c: LaunchContext): PreparedGateway;
  /** What it printed at start-up says about the server settings in effect, and what in them makes a run unfair. */
  settingsFromLog?(log: string, workers: number): GatewayEndpoints['settings'];
  /** As a local process (PERF_STACK=local): its executable, found on this machine, or what to install to have it. */
  local?(settings: Config): { executable?: string; install: string };
  /** What npm run setup:local installs for it (a virtualenv of its release): local() is usually localFromVenv(this). */
  localInstall?: LocalInstall;
  /**
   * Python ASGI gateways: the module whose `app` fixtures/gateway-extra-cost wraps (the gate benchmark's known
   * regression), and the PYTHONPATH its image already has (kept).
   */
  extraCost?: { appModule: string; pythonPath: string };
  admin?(gw: GatewayEndpoints): GatewayAdmin;
  /** A gateway it did not start (PERF_STACK=external with PERF_GATEWAY_URL): what it finds there. */
  attach?(settings: Config): Promise<GatewayEndpoints>;
}
