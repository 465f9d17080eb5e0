// What the npm scripts that take arguments share: parsing them (a bad option or --help ends the process, with the
// usage), and running the perf suite in a child Vitest.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs, type ParseArgsOptionDescriptor } from 'node:util';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** parseArgs with positionals and --help: on a bad option prints it with `usage` and exits 2; on --help prints `usage` and exits 0. */
export function parseCli<O extends Record<string, ParseArgsOptionDescriptor>>(options: O, usage: string) {
  const config = { allowPositionals: true as const, options: { ...options, help: { type: 'boolean' as const } } };
  let parsed: ReturnType<typeof parseArgs<typeof config>>;
  try {
    parsed = parseArgs(config);
  } catch (error) {
    console.error(`${(error as Error).message}\n${usage}`);
    process.exit(2);
  }
  if ((parsed.values as { help?: boolean }).help) {
    console.log(usage);
    process.exit(0);
  }
  return parsed;
}

/** `vitest run --config vitest.perf.config.ts <args>` (test files, `-t <name>`) in a child process with `env`, its output on ours. */
export function runPerfSuite(args: string[], env: NodeJS.ProcessEnv, timeoutMs?: number): SpawnSyncReturns<Buffer> {
  const vitest = fileURLToPath(new URL('../node_modules/vitest/vitest.mjs', import.meta.url));
  return spawnSync(process.execPath, [vitest, 'run', '--config', 'vitest.perf.config.ts', ...args], { stdio: 'inherit', env, cwd: ROOT, timeout: timeoutMs });
}
