// The verdicts of scripts/runner-user-check.sh (scripts/lib/throwaway-user.sh) on known-bad input: a setup that
// built an image instead of pulling it, or pulled another, and a report that names another image.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scratchDir } from '../scratch-dir.ts';

const LIB = new URL('../../scripts/lib/throwaway-user.sh', import.meta.url).pathname;
const GATEWAY = '127.0.0.1:5000/ibm/mcp-context-forge:v1.1.0';
const POSTGRES = '127.0.0.1:5000/library/postgres:17';

/** Runs one of the library's checks on a file holding `content`: its exit status and what it said. */
function check(fn: 'setup_pulled_all' | 'report_names_all', content: string, ...images: string[]): { ok: boolean; said: string } {
  const file = join(scratchDir('runner-checks'), 'input');
  writeFileSync(file, content);
  const r = spawnSync('bash', ['-c', `set -euo pipefail; log() { :; }; die() { exit 9; }; . "$0"; ${fn} "$@"`, LIB, file, ...images], { encoding: 'utf8', timeout: 10_000 });
  if (r.error) throw r.error;
  return { ok: r.status === 0, said: r.stdout.trim() };
}

describe('runner-user-check verdicts', () => {
  const pulledBoth = `[setup] pulled ${GATEWAY}\n[setup] pulled ${POSTGRES}\n[setup] ready: npm run perf\n`;

  it('passes a setup that pulled every image and built none', () => {
    expect(check('setup_pulled_all', pulledBoth, GATEWAY, POSTGRES)).toEqual({ ok: true, said: '' });
  });

  it('fails a setup that did not pull one of them, naming it', () => {
    const log = `[setup] pulled ${POSTGRES}\n[setup] ${GATEWAY} is not here and cannot be pulled; its local equivalent is built (or brought up to date)\n`;
    expect(check('setup_pulled_all', log, GATEWAY, POSTGRES)).toEqual({ ok: false, said: `setup did not pull ${GATEWAY}` });
  });

  it('fails a setup that pulled all it was asked for but also built an image', () => {
    const log = `${pulledBoth}[setup] redis:7 is not here and cannot be pulled; its local equivalent is built (or brought up to date)\n`;
    expect(check('setup_pulled_all', log, GATEWAY, POSTGRES)).toEqual({ ok: false, said: 'setup built an image it should have pulled' });
  });

  it('does not take a longer tag for the one asked (pulled ...:v1.1.0-rc1 is not ...:v1.1.0)', () => {
    expect(check('setup_pulled_all', `[setup] pulled ${GATEWAY}-rc1\n[setup] pulled ${POSTGRES}\n`, GATEWAY, POSTGRES)).toEqual({ ok: false, said: `setup did not pull ${GATEWAY}` });
  });

  it('fails a report that does not name an image the stack was to run on', () => {
    const images = (gateway: string) => JSON.stringify({ run: { stack: { images: {
      gateway: `${gateway} (official image, from MCP_PERF_REGISTRY) sha256:8162cbff28e1`,
      postgres: `${POSTGRES} (official image, from MCP_PERF_REGISTRY) sha256:54e59abd32d5`,
    } } } });
    const notOnIt = { ok: false, said: `the report does not name ${GATEWAY}: the run was not on what setup pulled` };
    expect(check('report_names_all', images(GATEWAY), GATEWAY, POSTGRES)).toEqual({ ok: true, said: '' });
    expect(check('report_names_all', images('local/mcp-context-forge:1.1.0'), GATEWAY, POSTGRES)).toEqual(notOnIt);
    expect(check('report_names_all', images(`${GATEWAY}-rc1`), GATEWAY, POSTGRES)).toEqual(notOnIt);
  });
});
