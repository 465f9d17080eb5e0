// npm run perf:ab's arguments: refused in one line with what to write, before anything starts.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const perfAb = (...args: string[]) => spawnSync(process.execPath, ['scripts/perf-ab.ts', ...args], { cwd: root, encoding: 'utf8', timeout: 30_000 });

describe('npm run perf:ab', () => {
  it('refuses an MCP revision it does not speak, naming those it does', () => {
    const r = perfAb('--base', 'a:1', '--head', 'b:1', '--protocol', '2026-13-01');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--protocol 2026-13-01 is not an MCP revision this suite speaks: use one of 2025-06-18, 2025-11-25, 2026-07-28/);
  });

  it('lists --protocol in its usage', () => {
    const r = perfAb('--help');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/--protocol 2025-06-18\|2025-11-25\|2026-07-28/);
  });
});
