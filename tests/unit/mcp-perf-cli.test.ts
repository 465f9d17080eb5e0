// The suite's one command: every command answers --help; a wrong command, option or value is refused in one line
// naming the nearest valid one, exit 2. Run through its bin, as npx runs it.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const cli = (...args: string[]) => spawnSync(process.execPath, ['bin/mcp-perf.js', ...args], { cwd: root, encoding: 'utf8', timeout: 30_000 });

describe('mcp-perf', () => {
  it('lists its commands with --help, and every command answers --help', () => {
    const top = cli('--help');
    expect(top.status).toBe(0);
    const commands = [...top.stdout.matchAll(/^ {2}(\w+) {2,}/gm)].map((m) => m[1]!);
    expect(commands).toEqual(['run', 'ab', 'stack', 'compare', 'baseline', 'history', 'bench', 'setup', 'images']);
    for (const c of commands) {
      const r = cli(c, '--help');
      expect(r.status, `${c} --help: ${r.stderr}`).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`mcp-perf ${c}`));
    }
  }, 60_000);

  it('run --help gives each option with the setting it sets and that setting\'s default, from the catalogue', () => {
    const r = cli('run', '--help');
    expect(r.stdout).toMatch(/^ {2}--profile smoke\|pr\|nightly\|soak +PERF_PROFILE, default smoke$/m);
    expect(r.stdout).toMatch(/^ {2}--cases quick\|all +PERF_CASES, default quick in smoke; all in pr, nightly, soak$/m);
    expect(r.stdout).toMatch(/^ {2}--gateway contextforge\|fastmcp\|litellm +PERF_GATEWAY, default contextforge$/m);
  }, 30_000);

  it('answers --help for every benchmark with its own options', () => {
    for (const bench of ['engine', 'gate', 'budgets', 'baseline', 'soak', 'history']) {
      const r = cli('bench', bench, '--help');
      expect(r.status, `bench ${bench} --help: ${r.stderr}`).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`^usage: npm run bench:${bench}`));
    }
  }, 60_000);

  it('refuses a misspelt command, option, value or benchmark in one line, with the nearest valid one', () => {
    const cases: [string[], RegExp][] = [
      [['rnu'], /^mcp-perf: unknown command 'rnu' \(did you mean run\?\)/],
      [['run', '--profle', 'pr'], /^mcp-perf: run: Unknown option '--profle' \(did you mean --profile\?\)$/],
      [['run', '--protocol', '2026-13-01'], /^mcp-perf: run: PERF_MCP_PROTOCOL="2026-13-01" must be one of auto, 2025-06-18, 2025-11-25, 2026-07-28$/],
      [['bench', 'gat'], /^mcp-perf: unknown benchmark 'gat' \(did you mean gate\?\)/],
      // Commands whose scripts parse their own options refuse the same way, before anything starts.
      [['bench', 'gate', '--plna', '0:1'], /^bench:gate: Unknown option '--plna' \(did you mean --plan\?\); bench:gate --help shows the usage$/],
      [['bench', 'gate', '--plan', '0.2'], /^bench:gate: --plan: "0.2" is not size:runs/],
      [['bench', 'engine', '--rounds', 'two'], /^bench:engine: --rounds two: give a whole number >= 1$/],
      [['bench', 'history', '--min-chnage', '0.03'], /^bench:history: Unknown option '--min-chnage' \(did you mean --min-change\?\)/],
      [['history', 'chek'], /^history: unknown command 'chek' \(did you mean check\?\)/],
      [['compare', '--z', 'x', 'a.json', 'b.json'], /^compare: --z x: give a number >= 0$/],
      [['compare', '--againts', 'baselines/smoke'], /^compare: Unknown option '--againts' \(did you mean --against\?\)/],
      [['stack', '--hodl'], /^stack: Unknown option '--hodl' \(did you mean --hold\?\)/],
    ];
    for (const [args, message] of cases) {
      const r = cli(...args);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr.trim()).toMatch(message);
    }
  }, 60_000);
});
