// The one place the suite reads its environment (eslint.config.js refuses process.env anywhere else), and the one
// typed configuration built from it: every catalogued setting (settings.ts) checked, given its default and its type,
// once. The perf suite's Vitest config builds it in the main process and hands it to every case as one value
// (`provide: { config }`); scripts outside Vitest build their own from the same environment. The environment stays
// the carrier between processes (forks, worker threads, scripts a run starts), so `mcp-perf run` turns its flags into
// settings over the environment, and the value is the same wherever it is built.
import { inject } from 'vitest';
import type { ProfileName } from './profiles.ts';
import { assertSettings, isCatalogued, SETTINGS, type CatalogueEntry as Entry, type Setting } from './settings.ts';

/** What a setting's values are: its listed words, a number, or text. */
type ValueOf<E> = E extends { value: { oneOf: readonly (infer W)[] } } ? W : E extends { value: { int: number } | { number: number } } ? number : string;

/** Every setting by its name, typed; one with a default is never undefined. */
export type Config = { readonly [E in Entry as E['name']]: E extends { default: unknown } ? ValueOf<E> : ValueOf<E> | undefined } & {
  /** MCP_PERF_<ROLE>_IMAGE as set, by that name: one catalogue entry stands for every role's. */
  readonly roleImages: Readonly<Record<string, string>>;
};

/** The settings whose values are text (a virtualenv's folder, a URL): what an adapter may name as its own. */
export type TextSetting = { [K in keyof Config]: Config[K] extends string | undefined ? K : never }[keyof Config];

declare module 'vitest' {
  export interface ProvidedContext {
    /** The run's configuration, built once by vitest.perf.config.ts. */
    config: Config;
  }
}

const ROLE_IMAGE = /^MCP_PERF_[A-Z0-9_]+_IMAGE$/;

/**
 * The configuration an environment gives: every value checked at once (a bad one throws naming each, a misspelt name is
 * warned about through `warn`), unset or empty ones given their default (the profile's, where the profile decides).
 */
export function buildConfig(env: NodeJS.ProcessEnv, warn: (line: string) => void = console.warn): Config {
  assertSettings(env, warn);
  const raw = (s: Setting): string | undefined => (env[s.name] === '' ? undefined : env[s.name]);
  const profileSetting = SETTINGS.find((s) => s.name === 'PERF_PROFILE')!;
  const profile = (raw(profileSetting) ?? profileSetting.default) as ProfileName;
  const out: Record<string, unknown> = {};
  for (const s of SETTINGS) {
    const d = s.default;
    const text = raw(s) ?? (typeof d === 'object' ? d[profile] : d);
    const numeric = typeof s.value === 'object' && ('int' in s.value || 'number' in s.value);
    out[s.name] = text === undefined ? undefined : numeric ? Number(text) : text;
  }
  const roleImages: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (ROLE_IMAGE.test(name) && value) roleImages[name] = value;
  }
  return { ...out, roleImages } as Config;
}

/**
 * The settings a configuration holds away from their defaults, by name, as they would be written again (credentials
 * as "***"; the suite's internal ones and the run's own name left out): what a report gives to repeat its run.
 */
export function settingsAsGiven(settings: Config): Record<string, string> {
  const out: Record<string, string> = {};
  for (const s of SETTINGS) {
    const value = settings[s.name as keyof Config];
    if (s.internal || s.name === 'PERF_RUN_ID' || value === undefined || typeof value === 'object') continue;
    const d = s.default;
    if (String(value) === (typeof d === 'object' ? d[settings.PERF_PROFILE] : d)) continue;
    out[s.name] = s.secret ? '***' : String(value);
  }
  for (const [name, image] of Object.entries(settings.roleImages)) out[name] = image;
  return out;
}

// Kept on globalThis: Vitest loads its config file apart from global setup and the reporter, in the same process.
const BUILT = Symbol.for('mcp-perf.config');
type Built = { key: string; config: Config };

/**
 * This run's configuration. In a perf case, the one the Vitest config handed over; elsewhere built from the
 * environment once per process, and again only if a setting in it changes (unit tests stub them).
 */
export function config(): Config {
  // Inside a Vitest worker only (its state is on globalThis): a script a case starts inherits the worker's
  // environment, VITEST_WORKER_ID included, but is no worker, and inject would throw there.
  const handed = '__vitest_worker__' in globalThis ? inject('config') : undefined;
  if (handed) return handed;
  const key = JSON.stringify(Object.entries(process.env).filter(([name]) => /^(MCP_)?PERF_/.test(name)).sort());
  const memo = globalThis as { [BUILT]?: Built };
  if (memo[BUILT]?.key !== key) memo[BUILT] = { key, config: buildConfig(process.env) };
  return memo[BUILT].config;
}

/**
 * A catalogued setting's text as set (undefined when unset), unchecked and without its default: for what runs before
 * the configuration is built, and a command whose own default differs from the catalogue's. Everything else reads
 * config(). A name missing from the catalogue is a bug, refused.
 */
export function setting(name: string): string | undefined {
  if (!isCatalogued(name)) throw new Error(`${name} is not in the settings catalogue (tests/support/shared/settings.ts): add it there, with what it does, before reading it`);
  return process.env[name];
}

/** A variable the suite does not own and does not document: CI, GITHUB_STEP_SUMMARY, DOCKER_HOST, TESTCONTAINERS_*, K6_BIN, PATH. */
export function outsideVariable(name: string): string | undefined {
  return process.env[name];
}

/** Sets a variable for this process and the ones it starts (testcontainers reads its own settings from here). */
export function setVariable(name: string, value: string): void {
  process.env[name] = value;
}

/** The whole environment: what child processes inherit, and what the catalogue checks all at once. */
export function environment(): NodeJS.ProcessEnv {
  return process.env;
}
