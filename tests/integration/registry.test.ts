// Images from a registry, as a user's come: a real registry (CNCF Distribution, built by
// `npm run setup -- --with-registry`) on a loopback port, an image pushed to it, removed here, and pulled back by
// the suite's image resolution when MCP_PERF_<ROLE>_IMAGE names it; and a mirror of the official images
// (npm run registry -- mirror) pulled from by their official paths with MCP_PERF_REGISTRY. Skips, saying why,
// without a container runtime or the registry binary.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { IMAGES, ImageUnavailableError, resolveImage } from '../support/stack/images.ts';
import { freePort, startProcess, type ManagedProcess } from '../support/stack/process.ts';
import { probeRuntime } from '../support/stack/runtime.ts';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));
const registryBin = join(root, '.tools/registry');
const runtime = await probeRuntime();
const source = [IMAGES.official.redis, IMAGES.local.redis];
const present = runtime.ok ? (await Promise.all(source.map((n) => run('docker', ['image', 'inspect', n]).then(() => n, () => undefined)))).find(Boolean) : undefined;
const why = !runtime.ok ? runtime.detail : !existsSync(registryBin) ? 'no registry at .tools/registry: npm run setup -- --with-registry' : !present ? 'no redis image here: npm run setup' : '';

describe.skipIf(why !== '')(`images from a registry${why ? ` (skipped: ${why})` : ''}`, () => {
  let registry: ManagedProcess;
  let addr = '';
  let dir = '';
  const tags: string[] = [];
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mcp-perf-registry-'));
    const port = await freePort();
    addr = `127.0.0.1:${port}`;
    writeFileSync(join(dir, 'config.yml'), `version: 0.1\nlog:\n  level: warn\nstorage:\n  filesystem:\n    rootdirectory: ${dir}/data\nhttp:\n  addr: ${addr}\n`);
    registry = await startProcess({ name: 'registry', command: registryBin, args: ['serve', join(dir, 'config.yml')], readyUrl: `http://${addr}/v2/`, readyTimeoutMs: 30_000 });
  }, 60_000);
  afterAll(async () => {
    await Promise.all(tags.map((t) => run('docker', ['rmi', t]).catch(() => undefined)));
    await registry?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('pulls an image the user pushed to their registry when MCP_PERF_REDIS_IMAGE names it, the same content', async () => {
    const name = `${addr}/team/redis:pr-1`;
    tags.push(name);
    await run('docker', ['tag', present!, name]);
    await run('docker', ['push', '-q', name], { timeout: 300_000 });
    const { stdout: localId } = await run('docker', ['image', 'inspect', '--format', '{{.Id}}', present!]);
    await run('docker', ['rmi', name]);
    vi.stubEnv('MCP_PERF_REDIS_IMAGE', name);
    try {
      const image = await resolveImage(runtime.client!, 'redis', 300_000);
      expect(image).toMatchObject({ name, source: 'MCP_PERF_REDIS_IMAGE, pulled', id: localId.trim() });
    } finally {
      vi.unstubAllEnvs();
    }
  }, 600_000);

  it('pulls an image pinned by its digest (name@sha256:...), the same content, and refuses a digest the registry does not have', async () => {
    const name = `${addr}/team/redis:pin-1`;
    await run('docker', ['tag', present!, name]);
    await run('docker', ['push', '-q', name], { timeout: 300_000 });
    const { stdout: repoDigests } = await run('docker', ['image', 'inspect', '--format', '{{join .RepoDigests "\\n"}}', name]);
    const pinned = repoDigests.split('\n').find((d) => d.startsWith(`${addr}/team/redis@sha256:`));
    expect(pinned).toBeDefined();
    const { stdout: localId } = await run('docker', ['image', 'inspect', '--format', '{{.Id}}', present!]);
    // Untagged by name and by digest (another tag of the repository, as the test above leaves, would keep the digest here).
    await run('docker', ['rmi', name]);
    await run('docker', ['rmi', pinned!]).catch(() => undefined);
    tags.push(pinned!);
    vi.stubEnv('MCP_PERF_REDIS_IMAGE', pinned!);
    try {
      const image = await resolveImage(runtime.client!, 'redis', 300_000);
      expect(image).toMatchObject({ name: pinned, source: 'MCP_PERF_REDIS_IMAGE, pulled', id: localId.trim() });
      vi.stubEnv('MCP_PERF_REDIS_IMAGE', `${addr}/team/redis@sha256:${'0'.repeat(64)}`);
      const error = await resolveImage(runtime.client!, 'redis', 60_000).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ImageUnavailableError);
    } finally {
      vi.unstubAllEnvs();
    }
  }, 600_000);

  it('a mirror of the official images (npm run registry -- mirror): MCP_PERF_REGISTRY makes the suite pull them by their official-style names', async () => {
    const port = addr.split(':')[1]!;
    const mirror = await run('bash', ['scripts/registry.sh', 'mirror'], { cwd: root, env: { ...process.env, PERF_REGISTRY_PORT: port }, timeout: 600_000 });
    expect(mirror.stderr).toMatch(new RegExp(`-> ${addr}/ibm/mcp-context-forge:v${IMAGES.versions.gateway}`));
    const gateway = `${addr}/ibm/mcp-context-forge:v${IMAGES.versions.gateway}`;
    const postgres = `${addr}/library/postgres:${IMAGES.official.postgres.split(':')[1]}`;
    tags.push(gateway, postgres);
    vi.stubEnv('MCP_PERF_REGISTRY', addr);
    try {
      for (const [role, name] of [['gateway', gateway], ['postgres', postgres]] as const) {
        const here = (await Promise.all([IMAGES.official[role], IMAGES.local[role]].map((n) => run('docker', ['image', 'inspect', '--format', '{{.Id}}', n]).then((r) => r.stdout.trim(), () => ''))))
          .find(Boolean);
        const image = await resolveImage(runtime.client!, role, 300_000);
        expect(image).toMatchObject({ name, source: 'official image, from MCP_PERF_REGISTRY, pulled', id: here });
      }
    } finally {
      vi.unstubAllEnvs();
    }
  }, 900_000);

  it('says what failed and what to do when the registry has no such image', async () => {
    vi.stubEnv('MCP_PERF_REDIS_IMAGE', `${addr}/team/redis:no-such-tag`);
    try {
      const error = await resolveImage(runtime.client!, 'redis', 60_000).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ImageUnavailableError);
      expect((error as Error).message).toMatch(/no-such-tag.*pulling failed/s);
    } finally {
      vi.unstubAllEnvs();
    }
  }, 120_000);
});
