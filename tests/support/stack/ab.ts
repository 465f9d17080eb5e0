import type { GatewayVariant } from './extra-cost.ts';
import type { AbLabel } from '../shared/stack-info.ts';


/** One side of an A/B run: what it runs, as the user named it, and how the suite starts it. */
export interface AbSideConfig extends GatewayVariant {
  label: AbLabel;
  /** What the user gave (an image reference), for every report. */
  spec: string;
}

export interface AbConfig {
  base: AbSideConfig;
  head: AbSideConfig;
  /** The side whose stack starts first (PERF_AB_START_FIRST); drawn at random when not given. */
  startFirst?: AbLabel;
}


function extraMs(raw: string | undefined, name: string): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name}="${raw}" must be a number of milliseconds >= 0`);
  return n;
}

/**
 * A/B mode from the environment: PERF_AB_BASE and PERF_AB_HEAD name the two gateway images (both or
 * neither). PERF_AB_{BASE,HEAD}_EXTRA_CPU_MS adds a known CPU cost per MCP request to a side;
 * PERF_AB_START_FIRST (base or head) fixes which stack starts first.
 */
export function abConfigFromEnv(env: NodeJS.ProcessEnv = process.env): AbConfig | undefined {
  const base = env.PERF_AB_BASE?.trim();
  const head = env.PERF_AB_HEAD?.trim();
  if (!base && !head) return undefined;
  if (!base || !head) {
    throw new Error(`A/B mode needs both PERF_AB_BASE and PERF_AB_HEAD (gateway images); only ${base ? 'PERF_AB_BASE' : 'PERF_AB_HEAD'} is set. Or run: npm run perf:ab -- --base <image> --head <image>`);
  }
  const side = (label: AbLabel, spec: string): AbSideConfig => {
    const prefix = `PERF_AB_${label.toUpperCase()}`;
    const ms = extraMs(env[`${prefix}_EXTRA_CPU_MS`], `${prefix}_EXTRA_CPU_MS`);
    const image = spec.startsWith('image:') ? spec.slice('image:'.length) : spec;
    if (!image || /\s/.test(image)) throw new Error(`${prefix}="${spec}" is not an image reference (write e.g. ghcr.io/ibm/mcp-context-forge:v1.1.0)`);
    return { label, spec, image, ...(ms !== undefined ? { extraCost: { ms } } : {}) };
  };
  const first = env.PERF_AB_START_FIRST?.trim();
  if (first && first !== 'base' && first !== 'head') throw new Error(`PERF_AB_START_FIRST="${first}" must be base or head (or unset: drawn at random)`);
  return { base: side('base', base), head: side('head', head), ...(first ? { startFirst: first as AbLabel } : {}) };
}

export function describeSide(s: AbSideConfig): string {
  const cost = s.extraCost;
  const extra = cost ? ` + ${cost.knobDir ? `the CPU per MCP request in ${cost.knobDir}` : `${cost.ms} ms CPU per MCP request`}` : '';
  return `${s.image}${extra}`;
}
