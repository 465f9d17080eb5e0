import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { adapterFor } from '../gateway/adapters.ts';
import { IMAGES } from '../shared/images-file.ts';
import type { AbSideConfig } from './ab.ts';
import { LogTail } from './log-tail.ts';

const FIXTURES = fileURLToPath(new URL('../../../fixtures/images/', import.meta.url));

/** The `docker build` arguments that make a pypi:<version> or source:<dir> side's image. */
export function sideBuildArgs(side: AbSideConfig, gateway: string): string[] {
  const build = adapterFor(gateway).image.build;
  if (!side.build || !side.image || !build) throw new Error(`the ${side.label} side (${side.spec}) is not built from a version or a checkout`);
  // The host's network, as npm run images builds: the engine npm run setup starts gives containers no route out.
  const base = ['--network', 'host', '--build-arg', `BASE=${IMAGES.local.trixie}`, '-t', side.image];
  return side.build.from === 'pypi'
    ? ['build', '-f', join(FIXTURES, build.dockerfile), '--build-arg', `${build.versionArg}=${side.build.version}`, ...base, FIXTURES]
    : ['build', '-f', join(FIXTURES, build.sourceDockerfile!), ...base, side.build.dir];
}

/**
 * Builds a side's image with docker build (Docker's layer cache makes a rebuild of an unchanged version or checkout
 * quick), on the local Debian base `npm run images` made. Fails with the build's last lines.
 */
export async function buildSideImage(side: AbSideConfig, gateway: string, log: (line: string) => void, timeoutMs = 30 * 60_000): Promise<void> {
  const args = sideBuildArgs(side, gateway);
  log(`[mcp-perf] A/B: building the ${side.label} side's image ${side.image} (docker ${args.join(' ')})...`);
  const t0 = Date.now();
  const out = new LogTail(60);
  const child = spawn('docker', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  out.consume(child.stdout);
  out.consume(child.stderr);
  const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
  const code = await new Promise<number | string>((resolve) => {
    child.once('error', (e) => resolve(e.message));
    child.once('close', (c, signal) => resolve(c ?? `killed by ${signal}`));
  }).finally(() => clearTimeout(timer));
  if (code !== 0) {
    const noBase = /pull access denied|not found|does not exist/i.test(out.tail()) && out.tail().includes(IMAGES.local.trixie);
    throw new Error(`building the ${side.label} side (${side.spec}) failed (${typeof code === 'number' ? `exit ${code}` : code})` +
      `${noBase ? `: its base ${IMAGES.local.trixie} is missing; "npm run images" makes it` : ''}\n--- last lines of docker build ---\n${out.tail(30)}`);
  }
  log(`[mcp-perf] A/B: ${side.image} built in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
}
