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

  it('refuses a misspelt command, option, value or benchmark in one line, with the nearest valid one', () => {
    const cases: [string[], RegExp][] = [
      [['rnu'], /^mcp-perf: unknown command 'rnu' \(did you mean run\?\)/],
      [['run', '--profle', 'pr'], /^mcp-perf: run: Unknown option '--profle' \(did you mean --profile\?\)$/],
      [['run', '--protocol', '2026-13-01'], /^mcp-perf: run: PERF_MCP_PROTOCOL="2026-13-01" must be one of auto, 2025-06-18, 2025-11-25, 2026-07-28$/],
      [['bench', 'gat'], /^mcp-perf: unknown benchmark 'gat' \(did you mean gate\?\)/],
    ];
    for (const [args, message] of cases) {
      const r = cli(...args);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr.trim()).toMatch(message);
    }
  }, 60_000);
});
