// One command in front of the suite: `mcp-perf <command> [options]` (npx mcp-perf in a clone, or as a dependency of a
// gateway's repository). It runs what the npm scripts run; `vitest run --config vitest.perf.config.ts` keeps working
// as it always did, this is a front to it. Every command answers --help; a wrong command or option is refused in one
// line naming the nearest valid one, exit 2.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { parseArgs, type ParseArgsOptionDescriptor } from 'node:util';
import { checkSettings, SETTINGS } from '../tests/support/shared/settings.ts';
import { nearestOf, optionError, refuse as refuseAs, ROOT, runPerfSuite } from './cli.ts';
import { environment } from '../tests/support/shared/config.ts';
import { ADAPTERS, DEFAULT_GATEWAY } from '../tests/support/gateway/adapters.ts';

interface Command {
  what: string;
  usage: string;
  /** A script that parses its own arguments (and answers --help): run with them as they are. */
  script?: string;
}

const COMMANDS: Record<string, Command> = {
  run: {
    what: 'the perf suite on a stack it starts: the quick selection, every case (--cases all), or the files given',
    // Written from the settings catalogue below (runUsage): each option's values and default are the setting's.
    usage: '',
  },
  ab: { what: 'the regression gate: base and head gateways side by side', usage: 'mcp-perf ab --base <image|pypi:version|source:dir> --head <...> [--profile smoke|pr|nightly] [--protocol <revision>] [-t <case>]\n' +
    '            [--head-extra-cpu-ms N] [--base-extra-cpu-ms N]   (N ms more CPU per MCP request on that side: a known regression, to see the gate fail)', script: 'scripts/perf-ab.ts' },
  stack: { what: 'start the stack and print its endpoints (--hold keeps it for PERF_STACK_INFO)', usage: 'mcp-perf stack [--hold]', script: 'scripts/stack.ts' },
  compare: { what: 'a finished run against another, or against a directory of baselines', usage: 'mcp-perf compare <before>/results.json <after>/results.json | --against baselines/smoke <run>/results.json | --bands [dir]', script: 'scripts/compare.ts' },
  baseline: { what: 'record the baselines of the profile from several runs (PERF_BASELINE_RUNS, default 5)', usage: 'mcp-perf baseline [test files] [-t <case name>]   (PERF_PROFILE, PERF_BASELINE_RUNS)', script: 'scripts/record-baselines.sh' },
  history: { what: 'the nightly history: append a run, or check it for shifts', usage: 'mcp-perf history append <run>/results.json... [--file history.json] | check [--file history.json] [--page trend.html] | page [--out trend.html]', script: 'scripts/history.ts' },
  bench: { what: 'the benchmarks that print figures: engine, gate, budgets, baseline, soak, history', usage: 'mcp-perf bench engine|gate|budgets|baseline|soak|history [their options; mcp-perf bench <name> --help]' },
  setup: { what: 'make this machine able to run the suite (Docker engine, images; --with-browser, --with-k6, --with-registry, --with-python, --with-act)', usage: 'mcp-perf setup [--with-...]', script: 'scripts/setup.sh' },
  images: { what: 'build the local images (no registry needed)', usage: 'mcp-perf images [--servers-only]', script: 'scripts/build-images.sh' },
};

const BENCHES: Record<string, string> = { engine: 'scripts/bench-engine.ts', gate: 'scripts/bench-gate.ts', budgets: 'scripts/bench-budgets.ts', baseline: 'scripts/bench-baseline.ts', soak: 'scripts/bench-soak.ts', history: 'scripts/bench-history.ts' };

/** The run command's options and the settings they set. */
const RUN_OPTIONS: Record<string, { setting: string; short?: string }> = {
  profile: { setting: 'PERF_PROFILE' }, gateway: { setting: 'PERF_GATEWAY' }, stack: { setting: 'PERF_STACK' },
  protocol: { setting: 'PERF_MCP_PROTOCOL' }, transport: { setting: 'PERF_TRANSPORT' }, baseline: { setting: 'PERF_BASELINE' },
  'upstream-eras': { setting: 'PERF_UPSTREAM_ERAS' }, 'fit-rates': { setting: 'PERF_FIT_RATES' }, cases: { setting: 'PERF_CASES' },
};

/** run's usage, from the catalogue: each option, its values, the setting it sets and that setting's default. */
function runUsage(): string {
  const rows: [string, string][] = Object.entries(RUN_OPTIONS).map(([option, { setting }]): [string, string] => {
    const s = SETTINGS.find((entry) => entry.name === setting)!;
    const words = option === 'gateway' ? Object.keys(ADAPTERS) : typeof s.value === 'object' && 'oneOf' in s.value ? s.value.oneOf : undefined;
    const values = words ? words.join('|') : typeof s.value === 'object' && 'max' in s.value ? `<${s.value.number}-${s.value.max}>` : '<value>';
    const d = option === 'gateway' ? DEFAULT_GATEWAY : s.default;
    const byValue = new Map<string, string[]>();
    if (typeof d === 'object') for (const [profile, v] of Object.entries(d)) byValue.set(v, [...(byValue.get(v) ?? []), profile]);
    const fallback = typeof d === 'object' ? [...byValue].map(([v, profiles]) => `${v} in ${profiles.join(', ')}`).join('; ') : d ?? 'unset';
    return [`--${option} ${values}`, `${setting}, default ${fallback}`];
  });
  rows.push(['-t <case name>', 'only the cases whose name matches'], ['[test files]', 'only these files (default: the profile\'s selection, PERF_CASES)']);
  const width = Math.max(...rows.map(([left]) => left.length));
  return 'usage: mcp-perf run [options] [test files]\n' + rows.map(([left, right]) => `  ${left.padEnd(width)}  ${right}`).join('\n') +
    '\nEach option sets its setting over the environment; what each one does: README, "Every setting".';
}

function refuse(line: string): never {
  refuseAs('mcp-perf', line);
}

function overview(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  return 'usage: mcp-perf <command> [options]    (mcp-perf <command> --help for its options)\n\n' +
    Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.what}`).join('\n') +
    '\n\nThe perf suite is Vitest: `vitest run --config vitest.perf.config.ts` runs it too. Settings: README, "Every setting".';
}

/** Runs a script with its own arguments; TypeScript on this Node (type stripping), shell scripts with bash. */
function runScript(script: string, args: string[]): number {
  const path = join(ROOT, script);
  const r = script.endsWith('.sh')
    ? spawnSync('bash', [path, ...args], { stdio: 'inherit', cwd: ROOT })
    : spawnSync(process.execPath, [path, ...args], { stdio: 'inherit', cwd: ROOT });
  if (r.error) refuse(`could not start ${script}: ${r.error.message}`);
  return r.status ?? 1;
}

function runCommand(args: string[]): number {
  const options: Record<string, ParseArgsOptionDescriptor> = {
    ...Object.fromEntries(Object.keys(RUN_OPTIONS).map((o) => [o, { type: 'string' as const }])),
    'test-name-pattern': { type: 'string', short: 't' }, help: { type: 'boolean' },
  };
  let parsed: ReturnType<typeof parseArgs<{ options: typeof options; allowPositionals: true }>>;
  try {
    parsed = parseArgs({ args, options, allowPositionals: true });
  } catch (error) {
    refuse(`run: ${optionError(error as Error, options)}`);
  }
  const values = parsed.values as Record<string, string | boolean | undefined>;
  if (values.help) {
    console.log(runUsage());
    return 0;
  }
  const env: NodeJS.ProcessEnv = { ...environment() };
  for (const [option, { setting }] of Object.entries(RUN_OPTIONS)) {
    const value = values[option];
    if (typeof value === 'string') env[setting] = value;
  }
  // The settings catalogue checks the values, as the suite would before a stack starts: refused here in one line.
  const { errors } = checkSettings(Object.fromEntries(Object.values(RUN_OPTIONS).map(({ setting }) => [setting, env[setting]])));
  if (errors.length) refuse(`run: ${errors.join('; ')}`);
  const pattern = values['test-name-pattern'];
  const r = runPerfSuite([...parsed.positionals, ...(typeof pattern === 'string' ? ['-t', pattern] : [])], env);
  if (r.error) refuse(`could not start vitest: ${r.error.message}`);
  return r.status ?? 1;
}

export function main(argv: string[]): number {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(overview());
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) refuse(`unknown command '${name}'${nearestOf(name, Object.keys(COMMANDS))}; mcp-perf --help lists them`);
  if (name === 'run') return runCommand(rest);
  if (name === 'bench') {
    const [which, ...args] = rest;
    if (!which || which === '--help' || which === '-h') {
      console.log(command.usage);
      return which ? 0 : 2;
    }
    const script = BENCHES[which];
    if (!script) refuse(`unknown benchmark '${which}'${nearestOf(which, Object.keys(BENCHES))}: engine, gate, budgets, baseline, soak or history`);
    return runScript(script, args);
  }
  // --help is answered here for every command, whether or not its script has its own.
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(`${command.usage}\n  ${command.what}`);
    return 0;
  }
  return runScript(command.script!, rest);
}

if (import.meta.main) process.exit(main(process.argv.slice(2)));
