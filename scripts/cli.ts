// What the npm scripts that take arguments share: parsing them (--help prints the usage and exits 0; a wrong option or
// value is refused in one line naming the nearest valid one, exit 2), and running the perf suite in a child Vitest.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs, type ParseArgsOptionDescriptor } from 'node:util';
import { nearestWord } from '../tests/support/shared/settings.ts';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** " (did you mean X?)" for the nearest of `valid` within three edits, else "". */
export function nearestOf(word: string, valid: readonly string[]): string {
  const best = nearestWord(word, valid);
  return best ? ` (did you mean ${best}?)` : '';
}

/** Ends the process with one line on stderr, exit 2: how every command refuses bad input. */
export function refuse(name: string, line: string): never {
  console.error(`${name}: ${line}`);
  process.exit(2);
}

/** parseArgs' own error, in one line, with the nearest option when the error names one that does not exist. */
export function optionError(error: Error, options: Record<string, ParseArgsOptionDescriptor>): string {
  const message = error.message.split('. ')[0]!.replace(/\.$/, '');
  const flag = /^Unknown option '--?([\w-]+)'/.exec(message)?.[1];
  return flag ? `${message}${nearestOf(`--${flag}`, Object.keys(options).map((o) => `--${o}`))}` : message;
}

/**
 * parseArgs with positionals and --help (-h): --help prints `usage` and exits 0; a wrong option is refused in one
 * line (`name: Unknown option '--x' (did you mean --y?)`), exit 2.
 */
export function parseCli<O extends Record<string, ParseArgsOptionDescriptor>>(name: string, options: O, usage: string, args = process.argv.slice(2)) {
  const config = { args, allowPositionals: true as const, options: { ...options, help: { type: 'boolean' as const, short: 'h' } } };
  let parsed: ReturnType<typeof parseArgs<typeof config>>;
  try {
    parsed = parseArgs(config);
  } catch (error) {
    refuse(name, `${optionError(error as Error, config.options)}; ${name} --help shows the usage`);
  }
  if ((parsed.values as { help?: boolean }).help) {
    console.log(usage);
    process.exit(0);
  }
  return parsed;
}

/** A numeric option's value, or a one-line refusal naming the option and what it takes. */
export function numberOption(name: string, option: string, raw: string | undefined, { min = -Infinity, integer = false } = {}): number {
  const value = Number(raw);
  if (raw === undefined || raw === '' || !Number.isFinite(value) || value < min || (integer && !Number.isInteger(value))) {
    refuse(name, `--${option} ${raw ?? '(missing)'}: give ${integer ? 'a whole number' : 'a number'}${min > -Infinity ? ` >= ${min}` : ''}`);
  }
  return value;
}

/** `vitest run --config vitest.perf.config.ts <args>` (test files, `-t <name>`) in a child process with `env`, its output on ours. */
export function runPerfSuite(args: string[], env: NodeJS.ProcessEnv, timeoutMs?: number): SpawnSyncReturns<Buffer> {
  const vitest = fileURLToPath(new URL('../node_modules/vitest/vitest.mjs', import.meta.url));
  return spawnSync(process.execPath, [vitest, 'run', '--config', 'vitest.perf.config.ts', ...args], { stdio: 'inherit', env, cwd: ROOT, timeout: timeoutMs });
}
