import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { adapterFor, DEFAULT_GATEWAY } from '../gateway/adapters.ts';
import { IMAGES } from '../shared/images-file.ts';
import type { GatewayVariant } from './extra-cost.ts';
import type { AbLabel } from '../shared/stack-info.ts';
import { config, type Config } from '../shared/config.ts';


/** One side of an A/B run: what it runs, as the user named it, and how the suite starts it. */
export interface AbSideConfig extends GatewayVariant {
  label: AbLabel;
  /** What the user gave (an image reference, pypi:<version> or source:<dir>), for every report. */
  spec: string;
  /** Built before the stacks start, as `image`: a released version, or a source checkout. */
  build?: { from: 'pypi'; version: string } | { from: 'source'; dir: string };
}

export interface AbConfig {
  base: AbSideConfig;
  head: AbSideConfig;
  /** The side whose stack starts first (PERF_AB_START_FIRST); drawn at random when not given. */
  startFirst?: AbLabel;
}

/**
 * A/B mode from the run's configuration: PERF_AB_BASE and PERF_AB_HEAD name the two gateway images (both or
 * neither). PERF_AB_{BASE,HEAD}_EXTRA_CPU_MS adds a known CPU cost per MCP request to a side;
 * PERF_AB_START_FIRST (base or head) fixes which stack starts first.
 */
export function abConfigFrom(settings: Config = config()): AbConfig | undefined {
  const base = settings.PERF_AB_BASE?.trim();
  const head = settings.PERF_AB_HEAD?.trim();
  if (!base && !head) return undefined;
  if (!base || !head) {
    throw new Error(`A/B mode needs both PERF_AB_BASE and PERF_AB_HEAD (gateway images); only ${base ? 'PERF_AB_BASE' : 'PERF_AB_HEAD'} is set. Or run: npm run perf:ab -- --base <image> --head <image>`);
  }
  const gateway = settings.PERF_GATEWAY || DEFAULT_GATEWAY;
  const side = (label: AbLabel, spec: string): AbSideConfig => {
    const prefix = `PERF_AB_${label.toUpperCase()}`;
    const ms = label === 'base' ? settings.PERF_AB_BASE_EXTRA_CPU_MS : settings.PERF_AB_HEAD_EXTRA_CPU_MS;
    const extra = ms !== undefined ? { extraCost: { ms } } : {};
    if (spec.startsWith('pypi:') || spec.startsWith('source:')) return { label, spec, ...builtSide(gateway, spec, prefix), ...extra };
    const image = spec.startsWith('image:') ? spec.slice('image:'.length) : spec;
    if (!image || /\s/.test(image)) throw new Error(`${prefix}="${spec}" is not an image reference (write e.g. ghcr.io/ibm/mcp-context-forge:v1.1.0, pypi:<version> or source:<dir>)`);
    return { label, spec, image, ...extra };
  };
  const first = settings.PERF_AB_START_FIRST;
  return { base: side('base', base), head: side('head', head), ...(first ? { startFirst: first } : {}) };
}

/** pypi:<version> or source:<dir>: what to build, and the local tag it is built as (the role's local image name, another tag). */
function builtSide(gateway: string, spec: string, prefix: string): Pick<AbSideConfig, 'build' | 'image'> {
  const adapter = adapterFor(gateway);
  const build = adapter.image.build;
  const [from, value = ''] = [spec.slice(0, spec.indexOf(':')), spec.slice(spec.indexOf(':') + 1)];
  if (!build || (from === 'source' && !build.sourceDockerfile)) throw new Error(`${prefix}="${spec}": ${adapter.title}'s adapter cannot build from ${from === 'pypi' ? 'a released version' : 'a source checkout'}; give an image`);
  const repository = (IMAGES.local[adapter.image.role] ?? `local/${adapter.kind}`).replace(/:[^/:]+$/, '');
  if (from === 'pypi') {
    if (!/^[0-9A-Za-z][0-9A-Za-z.+!-]*$/.test(value)) throw new Error(`${prefix}="${spec}": "${value}" is not a version (write e.g. pypi:1.0.7)`);
    return { build: { from: 'pypi', version: value }, image: `${repository}:${value.replace(/[^0-9A-Za-z_.-]/g, '_')}` };
  }
  const dir = resolve(value);
  if (!value || !existsSync(dir)) throw new Error(`${prefix}="${spec}": no such directory "${dir}" (write source:<path to a ${adapter.title} checkout>)`);
  return { build: { from: 'source', dir }, image: `${repository}:source-${createHash('sha256').update(dir).digest('hex').slice(0, 10)}` };
}

export function describeSide(s: AbSideConfig): string {
  const cost = s.extraCost;
  const extra = cost ? ` + ${cost.knobDir ? `the CPU per MCP request in ${cost.knobDir}` : `${cost.ms} ms CPU per MCP request`}` : '';
  const built = s.build ? ` (built from ${s.build.from === 'pypi' ? `PyPI ${s.build.version}` : `the checkout ${s.build.dir}`})` : '';
  return `${s.image}${built}${extra}`;
}
