// The official MCP conformance suite (@modelcontextprotocol/conformance, software nobody here wrote) against the MCP
// servers we ship, on both eras they serve: 2025-11-25 (v1 SDK, sessions) and 2026-07-28 (v2 SDK, stateless). Each
// era's baseline of expected failures (fixtures/conformance/) lists only scenarios that call the suite's own fixture
// tools or features our load servers do not offer; any other failure, or a listed scenario that passes, fails here.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { startShippedServer, type LocalMcpServer } from '../support/stack/shipped-servers.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const cli = join(root, 'node_modules/@modelcontextprotocol/conformance/dist/index.js');
const out = mkdtempSync(join(tmpdir(), 'mcp-perf-conformance-'));
const started: LocalMcpServer[] = [];
afterAll(async () => {
  await Promise.all(started.map((s) => s.process.stop()));
  rmSync(out, { recursive: true, force: true });
});

/** Runs the suite's server mode for one revision; resolves with its exit code and what it printed. */
function conformance(url: string, revision: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, 'server', '--url', url, '--suite', 'all', '--spec-version', revision,
      '--expected-failures', join(root, `fixtures/conformance/expected-failures-${revision}.yml`), '-o', join(out, revision)], { cwd: out });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

async function server(eras: 'both' | 'legacy' | 'modern'): Promise<string> {
  const s = await startShippedServer({ profile: 'all', eras });
  started.push(s);
  return `${s.baseUrl}/mcp`;
}

describe('the MCP conformance suite on the servers we ship', () => {
  it.each(['2025-11-25', '2026-07-28'])('passes on %s, but for the scenarios that need the suite\'s own fixtures', async (revision) => {
    const { code, output } = await conformance(await server('both'), revision);
    expect(output).toMatch(/Baseline check passed: all failures are expected/);
    expect(code, output.slice(-3000)).toBe(0);
  }, 150_000);

  it('fails a server that does not serve the revision (2026-07-28 against a 2025-only server, and the reverse)', async () => {
    const legacyOnly = await conformance(await server('legacy'), '2026-07-28');
    expect(legacyOnly.code).not.toBe(0);
    expect(legacyOnly.output).toMatch(/Unexpected failures/);
    const modernOnly = await conformance(await server('modern'), '2025-11-25');
    expect(modernOnly.code).not.toBe(0);
    expect(modernOnly.output).toMatch(/Unexpected failures/);
  }, 250_000);
});
