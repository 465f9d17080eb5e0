import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { environment } from '../../tests/support/shared/config.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const vitest = fileURLToPath(new URL('../../node_modules/vitest/vitest.mjs', import.meta.url));

/**
 * Runs perf files as users run them (vitest, the perf config) with `env` over this process's, their output to
 * `logPath`, and resolves their exit status. With `timeoutMs`: SIGINT when it passes, so the suite's own teardown stops
 * its containers, and SIGKILL a minute later if they are still running.
 */
export function runPerfFiles(files: string[], env: Record<string, string>, logPath: string, timeoutMs?: number): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const log = createWriteStream(logPath);
    const child = spawn(process.execPath, [vitest, 'run', '--config', 'vitest.perf.config.ts', ...files], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...environment(), ...env } });
    const timer = timeoutMs === undefined ? undefined : setTimeout(() => {
      console.error(`[perf] ${files.join(' ')} still running after ${timeoutMs / 60_000} min: interrupted (its log: ${logPath})`);
      child.kill('SIGINT');
      setTimeout(() => child.kill('SIGKILL'), 60_000).unref();
    }, timeoutMs);
    child.stdout.pipe(log, { end: false });
    child.stderr.pipe(log, { end: false });
    child.once('error', (error) => { clearTimeout(timer); reject(error); });
    child.once('close', (status) => { clearTimeout(timer); log.end(() => resolve(status)); });
  });
}
