import { MCP_REVISIONS } from '../mcp/protocol.ts';
import { PROFILES, type ProfileName } from './profiles.ts';

/**
 * Every environment variable the suite reads, with what it does. README's "Every setting" table lists each
 * one that is not internal, and tests/unit/settings.test.ts checks both ways: every variable read anywhere in
 * the suite is here, and every one here is read and (unless internal) in README.
 */
export interface Setting {
  name: string;
  what: string;
  /** Set by the suite for a process it starts, not by users. */
  internal?: boolean;
  /** A credential: never written into a report. */
  secret?: boolean;
  /** What a value must be; unset: any text. */
  value?: { oneOf: readonly string[] } | { int: number } | { number: number; max?: number } | 'url' | 'duration';
  /** Its value when unset, as it would be written (one per profile where the profile decides); none: unset means unset. */
  default?: string | Readonly<Record<ProfileName, string>>;
}


const CATALOGUE = [
  { name: 'PERF_STACK', what: 'auto (default), containers, local, external or direct: what the suite starts or uses', value: { oneOf: ['auto', 'containers', 'local', 'external', 'direct'] }, default: 'auto' },
  { name: 'PERF_GATEWAY', what: 'the gateway adapter the containers and local stacks start: a folder of tests/support/gateway/ (contextforge, default; litellm; fastmcp); with PERF_STACK=external, the one that attaches' },
  { name: 'PERF_PROFILE', what: 'smoke (default), pr, nightly or soak: durations and rates of every case', value: { oneOf: PROFILES }, default: 'smoke' },
  { name: 'PERF_CASES', what: 'which case files a run given none runs: quick (the default in the smoke profile: PERF-01 baseline, PERF-02 sustained, PERF-03 the knee, PERF-07 concurrent calls; about 5 minutes) or all (the default in the others: the whole catalogue, about 22 minutes in smoke)', value: { oneOf: ['quick', 'all'] }, default: { smoke: 'quick', pr: 'all', nightly: 'all', soak: 'all' } },
  { name: 'PERF_TRANSPORT', what: 'native (default: ContextForge\'s /rpc where a case\'s subject is not the transport) or mcp (standard MCP everywhere)', value: { oneOf: ['native', 'mcp'] }, default: 'native' },
  { name: 'PERF_MCP_PROTOCOL', what: 'the MCP revision the client speaks to the gateway: auto (default: the newest the gateway answers, asked with server/discover, then initialize; printed) or 2025-06-18, 2025-11-25, 2026-07-28 (stateless: no session, _meta and routing headers on every request)', value: { oneOf: ['auto', ...MCP_REVISIONS] }, default: 'auto' },
  { name: 'PERF_UPSTREAM_ERAS', what: 'which MCP eras our servers serve behind the gateway: both (default: 2025-era sessions and 2026-07-28), legacy (2025-era only) or modern (2026-07-28 only); what the gateway may speak on its hop to them', value: { oneOf: ['both', 'legacy', 'modern'] }, default: 'both' },
  { name: 'PERF_RUN_ID', what: 'the run\'s directory under reports/ (default: a timestamp)' },
  { name: 'PERF_REPORTS_DIR', what: 'where run directories go (default reports/)' },
  { name: 'PERF_GATEWAY_WORKERS', what: 'the gateway\'s worker processes (default 2); with PERF_STACK=external, how many it runs (for reports)', value: { int: 1 } },
  { name: 'PERF_STARTUP_TIMEOUT_S', what: 'how long the whole stack may take to come up (default 240)', value: { int: 10 }, default: '240' },
  { name: 'PERF_EXTRA_SERVERS', what: 'more load MCP servers behind the gateway, beyond the default two (default 0)', value: { int: 0 }, default: '0' },
  { name: 'PERF_GATEWAY_ENV', what: 'extra gateway environment, "KEY=value,KEY2=value2", applied last' },
  { name: 'PERF_BIND_HOST', what: 'the address published container ports bind (default 127.0.0.1)' },
  { name: 'PERF_STACK_INFO', what: 'a held stack\'s description (reports/held-stack.json from npm run stack -- --hold): the perf suite reuses it instead of starting one' },
  { name: 'PERF_CONTEXTFORGE_VENV', what: 'the virtualenv with ContextForge for PERF_STACK=local (default .venv-contextforge)' },
  { name: 'PERF_LITELLM_VENV', what: 'the virtualenv with LiteLLM\'s proxy for PERF_STACK=local PERF_GATEWAY=litellm (default .venv-litellm)' },
  { name: 'PERF_GATEWAY_MCP_URL', what: 'PERF_STACK=external: any MCP gateway\'s Streamable HTTP endpoint (standard MCP only)', value: 'url' },
  { name: 'PERF_GATEWAY_UPSTREAMS', what: 'PERF_STACK=external by MCP URL: the names our MCP servers have behind it (default perf_load,fast_time)', default: 'perf_load,fast_time' },
  { name: 'PERF_GATEWAY_TOKEN', what: 'PERF_STACK=external: the Bearer token every request carries', secret: true },
  { name: 'PERF_GATEWAY_URL', what: 'PERF_STACK=external, ContextForge: its base URL (admin API and all)', value: 'url' },
  { name: 'PERF_GATEWAY_JWT_SECRET', what: 'PERF_STACK=external, ContextForge: its JWT secret, to mint an admin token instead of PERF_GATEWAY_TOKEN', secret: true },
  { name: 'PERF_GATEWAY_ADMIN_EMAIL', what: 'PERF_STACK=external, ContextForge: the admin the minted token names (default admin@example.com)' },
  { name: 'PERF_GATEWAY_SERVER_ID', what: 'PERF_STACK=external, ContextForge: the virtual server to drive (default the first)' },
  { name: 'PERF_GATEWAY_VERSION', what: 'PERF_STACK=external: the version reports give it (default "external")', default: 'external' },
  { name: 'PERF_BASELINE', what: 'judge (a committed baseline fails a case), record (always record), add (add this run to the baseline); unset: compared, reported, not judged', value: { oneOf: ['judge', 'record', 'add'] } },
  { name: 'PERF_BASELINE_DIR', what: 'where baselines are read and written (default baselines/)' },
  { name: 'PERF_BASELINE_ALLOW_BUSY', what: '1: record a baseline from a phase the machine meter flagged busy or the load generator paced (by default it is NOT RECORDED: Monitoring and reports)', value: { oneOf: ['0', '1'] }, default: '0' },
  { name: 'PERF_BASELINE_RUNS', what: 'npm run perf:baseline: how many runs a recorded baseline holds (default 5: the spread between runs is measured from 5)', value: { int: 1 }, default: '5' },
  { name: 'PERF_AB_BASE', what: 'A/B mode: the base side\'s gateway image (with PERF_AB_HEAD)' },
  { name: 'PERF_AB_HEAD', what: 'A/B mode: the head side\'s gateway image (with PERF_AB_BASE)' },
  { name: 'PERF_GATEWAY_EXTRA_CPU_MS', what: 'a known extra CPU cost per MCP request in the gateway (ms; containers stack): to see a committed baseline fail on a slowed gateway (refused with PERF_BASELINE=record or add)', value: { number: 0 }, default: '0' },
  { name: 'PERF_GATEWAY_EXTRA_CPU_PATHS', what: 'which requests PERF_GATEWAY_EXTRA_CPU_MS slows: mcp (the MCP endpoints /mcp, /rpc, /message; default) or all (every HTTP request: REST, health too)', value: { oneOf: ['mcp', 'all'] }, default: 'mcp' },
  { name: 'PERF_GATEWAY_LEAK_BYTES', what: 'a known leak in the gateway: bytes it keeps per MCP request (containers stack): to see the soak\'s memory verdict fail (refused with PERF_BASELINE=record or add)', value: { int: 0 }, default: '0' },
  { name: 'PERF_SOAK_DURATION', what: 'PERF-05 soak: how long it runs (e.g. 2h; default by profile: smoke 60s, pr 5m, nightly 30m, soak 4h)', value: 'duration' },
  { name: 'PERF_FIT_RATES', what: 'a constant arrival rate above this share of what the stack holds (a 10 s capacity probe of the phase\'s own calls) is lowered to it, saying so in the phase\'s notes: the plan\'s figures where the machine holds them, the largest it can where not (default 0.6 in the nightly and soak profiles, 0 in smoke and pr, whose rates are sized for a 2-core machine; 0: the rates as written)', value: { number: 0, max: 0.95 }, default: { smoke: '0', pr: '0', nightly: '0.6', soak: '0.6' } },
  { name: 'PERF_SOAK_RATE', what: 'PERF-05 soak: MCP calls per second (default by profile: smoke 5, pr 10, nightly 50, soak 100)', value: { number: 0 } },
  { name: 'PERF_SCALING_SECOND_EXTRA_CPU_MS', what: 'the scaling case: a known extra CPU cost per MCP request in its second gateway instance only (ms; replaces PERF_GATEWAY_EXTRA_CPU_MS there): to see the scaling ratio fall (refused with PERF_BASELINE=record or add)', value: { number: 0 } },
  { name: 'PERF_AB_BASE_EXTRA_CPU_MS', what: 'A/B mode: a known extra CPU cost per MCP request on the base side (ms)', value: { number: 0 } },
  { name: 'PERF_AB_HEAD_EXTRA_CPU_MS', what: 'A/B mode: a known extra CPU cost per MCP request on the head side (ms)', value: { number: 0 } },
  { name: 'PERF_AB_SEED', what: 'A/B mode: the seed of the balanced round order', value: { int: 0 } },
  { name: 'PERF_AB_START_FIRST', what: 'A/B mode: base or head, whose stack starts first (drawn when unset)', value: { oneOf: ['base', 'head'] } },
  { name: 'PERF_AB_NOISE', what: 'A/B mode: the run-to-run noise file (default baselines/gate-noise.json for ContextForge, baselines/<gateway>/gate-noise.json for another; none)' },
  { name: 'PERF_AB_MAX_DETECTABLE', what: 'A/B mode: a case that found no regression and could not have caught this change in any metric is marked; when no case could, the gate is INCONCLUSIVE (default 40%)' },
  { name: 'MCP_PERF_REGISTRY', what: 'a registry mirror (host[:port][/path]) the official images are pulled from, by their official paths' },
  { name: 'MCP_PERF_GATEWAY_IMAGE', what: 'ContextForge\'s image (MCP_PERF_<ROLE>_IMAGE for any role: POSTGRES, REDIS, LITELLM, SERVERS)' },
  { name: 'MCP_PERF_NODE_IMAGE', what: 'npm run images: the Node base image of our MCP servers\' image' },
  { name: 'PERF_RUNNER_USER', what: 'scripts/runner-user-check.sh: the non-root user it creates and removes (default perfrunner)', internal: true },
  { name: 'PERF_SUDO_USER', what: 'scripts/sudo-base-check.sh: the user with passwordless sudo it creates and removes (default perfsudo)', internal: true },
  { name: 'PERF_ACT_USER', what: 'scripts/workflows-act-user.sh: the non-root user it creates, runs npm run workflows:act as, and removes (default perfact)', internal: true },
  { name: 'PERF_ACT_HEAD_EXTRA_CPU_MS', what: 'npm run workflows:act, its gateway run: ms of CPU per MCP request its head commit adds (default 30; with 0 the run must pass)', value: { int: 0 }, internal: true },
  { name: 'PERF_ACT_GATEWAY_PROFILE', what: 'npm run workflows:act, its gateway run: the profile its workflow gives the gate (default smoke)', value: { oneOf: ['smoke', 'pr', 'nightly'] }, internal: true },
  { name: 'PERF_REGISTRY_PORT', what: 'npm run registry -- start: the local registry\'s port (default 5000)', value: { int: 1 }, internal: true },
  { name: 'MCP_PERF_TOKEN', what: 'exported k6 scripts: the gateway token they send', secret: true },
  { name: 'MCP_PERF_EXTRA_CPU_MS', what: 'the gate benchmark\'s extra-cost wrapper: ms of CPU per MCP request', internal: true },
  { name: 'MCP_PERF_EXTRA_CPU_FILE', what: 'the extra-cost wrapper: a file whose number replaces MCP_PERF_EXTRA_CPU_MS, re-read each second', internal: true },
  { name: 'MCP_PERF_LEAK_BYTES', what: 'the extra-cost wrapper: bytes kept per MCP request (a known leak)', internal: true },
  { name: 'MCP_PERF_EXTRA_CPU_PATHS', what: 'the extra-cost wrapper: all slows every HTTP request, else MCP endpoints only', internal: true },
  { name: 'MCP_PERF_APP_MODULE', what: 'the extra-cost wrapper: the module whose ASGI app it wraps', internal: true },
  { name: 'MCP_PERF_ACT_REPOS', what: 'npm run workflows:act: the local path of each repository the checkout stand-in clones ("owner/name=/path ...")', internal: true },
  { name: 'MCP_PERF_ACT_NODE_DIR', what: 'npm run workflows:act: the directory of the Node the setup-node stand-in puts on PATH', internal: true },
  { name: 'MCP_PERF_ACT_ARTIFACTS', what: 'npm run workflows:act: where the upload-artifact stand-in copies artifacts', internal: true },
  { name: 'MCP_PERF_ACT_GH_DIR', what: 'npm run workflows:act: where the gh stand-in records pull-request comments', internal: true },
  { name: 'MCP_PERF_ACT_RUNS', what: 'npm run workflows:act: the earlier workflow runs (conclusion, artifacts) the gh stand-in lists and downloads', internal: true },
] as const satisfies readonly Setting[];

/** Each entry's literal type: what shared/config.ts derives the typed configuration from. */
export type CatalogueEntry = (typeof CATALOGUE)[number];
export const SETTINGS: readonly Setting[] = CATALOGUE;

const byName = new Map(SETTINGS.map((s) => [s.name, s]));
/** MCP_PERF_<ROLE>_IMAGE: one catalogue entry (MCP_PERF_GATEWAY_IMAGE) stands for every role's. */
const ROLE_IMAGE = /^MCP_PERF_[A-Z0-9_]+_IMAGE$/;

/** Whether the suite owns and documents this variable. */
export function isCatalogued(name: string): boolean {
  return byName.has(name) || ROLE_IMAGE.test(name);
}

/** The problem with one variable's value, or undefined when it is fine. */
function problemOf(setting: Setting, raw: string): string | undefined {
  const v = setting.value;
  if (!v) return undefined;
  if (v === 'url') return URL.canParse(raw) ? undefined : 'must be an absolute URL, e.g. http://127.0.0.1:4444';
  if (v === 'duration') return /^(\d+(\.\d+)?(ms|s|m|h))+$/.test(raw.trim()) ? undefined : 'must be a duration like 90s, 30m, 2h or 1h30m';
  if ('oneOf' in v) return v.oneOf.includes(raw) ? undefined : `must be one of ${v.oneOf.join(', ')}`;
  const n = Number(raw);
  if ('int' in v) return Number.isInteger(n) && n >= v.int ? undefined : `must be a whole number >= ${v.int}`;
  if (v.max !== undefined) return Number.isFinite(n) && n >= v.number && n <= v.max ? undefined : `must be a number from ${v.number} to ${v.max}`;
  return Number.isFinite(n) && n >= v.number ? undefined : `must be a number >= ${v.number}`;
}

/** Levenshtein distance: the fewest single-character edits that turn `a` into `b` (to name the word a typo meant). */
export function editDistance(a: string, b: string): number {
  const d = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = d[0]!;
    d[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const here = d[j]!;
      d[j] = Math.min(d[j]! + 1, d[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = here;
    }
  }
  return d[b.length]!;
}

/** The closest of `valid` to `word`, when it is within three edits of it. */
export function nearestWord(word: string, valid: readonly string[]): string | undefined {
  const best = valid.map((v) => ({ v, d: editDistance(word, v) })).sort((a, b) => a.d - b.d)[0];
  return best && best.d <= 3 ? best.v : undefined;
}

/** The closest known setting to a name, when it looks like a typo of one. */
function nearest(name: string): string | undefined {
  return nearestWord(name, SETTINGS.map((s) => s.name));
}

/**
 * Every PERF_* and MCP_PERF_* variable set in `env`, checked at once: `errors` for values a setting refuses (the run
 * must not start on them), `warnings` for names the suite does not read (a typo would otherwise be ignored).
 */
export function checkSettings(env: NodeJS.ProcessEnv): { errors: string[]; warnings: string[] } {
  const errors: string[] = [];
  const warnings: string[] = [];
  for (const [name, raw] of Object.entries(env)) {
    if (!/^(MCP_)?PERF_/.test(name) || raw === undefined || raw === '') continue;
    const setting = byName.get(name);
    if (!setting) {
      if (ROLE_IMAGE.test(name)) continue;
      const guess = nearest(name);
      warnings.push(`${name} is not a setting of the suite and is ignored${guess ? `: did you mean ${guess}?` : ' (README, "Every setting", lists them)'}`);
      continue;
    }
    const problem = problemOf(setting, raw);
    if (problem) errors.push(`${name}="${raw}" ${problem}`);
  }
  return { errors, warnings };
}

/** Fails on any refused value (naming every one), and reports unknown names through `warn`. */
export function assertSettings(env: NodeJS.ProcessEnv, warn: (line: string) => void = console.warn): void {
  const { errors, warnings } = checkSettings(env);
  for (const w of warnings) warn(`[mcp-perf] WARNING: ${w}`);
  if (errors.length) throw new Error(`bad settings: ${errors.join('; ')}`);
}
