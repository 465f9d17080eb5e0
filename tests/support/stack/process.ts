import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { onCleanup } from './cleanup.ts';
import { guardProcessGroup } from './guard.ts';
import { tcpOpens } from './tcp-probe.ts';
import { environment } from '../shared/config.ts';

export interface ProcessSpec {
  name: string;
  command: string;
  args: string[];
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** Polled until it answers 2xx. */
  readyUrl?: string;
  /** Called with each line the process writes (stdout and stderr), beyond the tail kept for errors. */
  onLine?: (line: string) => void;
  readyTimeoutMs?: number;
}

export interface ManagedProcess {
  name: string;
  pid: number;
  child: ChildProcess;
  logTail(lines?: number): string;
  stop(): Promise<void>;
}

const LOG_LINES = 200;

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** Starts a child process, keeps the tail of its output, waits for readiness, and always stops it on teardown. */
export async function startProcess(spec: ProcessSpec): Promise<ManagedProcess> {
  const child = spawn(spec.command, spec.args, {
    cwd: spec.cwd, env: { ...environment(), ...spec.env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true,
  });
  const lines: string[] = [];
  const keep = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (!line) continue;
      spec.onLine?.(line);
      lines.push(line);
      if (lines.length > LOG_LINES) lines.shift();
    }
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let exited: { code: number | null; signal: string | null } | undefined;
  const exit = new Promise<void>((resolve) => child.once('exit', (code, signal) => {
    exited = { code, signal };
    resolve();
  }));
  const spawnError = new Promise<never>((_, reject) => child.once('error', (e) => reject(new Error(`${spec.name}: could not start "${spec.command}": ${e.message}`))));
  spawnError.catch(() => undefined);
  const logTail = (n = 40) => lines.slice(-n).join('\n');
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => (stopping ??= doStop());
  const doStop = async () => {
    unregister();
    if (exited) return unguard();
    try {
      process.kill(-child.pid!, 'SIGTERM');
    } catch {
      return;
    }
    const killed = await Promise.race([exit.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 5000))]);
    if (!killed) {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        /* already gone */
      }
      await exit;
    }
    unguard();
  };
  const unregister = onCleanup(`process ${spec.name}`, stop);
  const unguard = child.pid ? guardProcessGroup(child.pid) : () => undefined;
  const managed: ManagedProcess = { name: spec.name, pid: child.pid ?? -1, child, logTail, stop };
  if (!spec.readyUrl) return managed;
  const deadline = Date.now() + (spec.readyTimeoutMs ?? 30_000);
  try {
    while (Date.now() < deadline) {
      if (exited) throw new Error(`${spec.name} exited (code ${exited.code}, signal ${exited.signal}) before it was ready`);
      try {
        const res = await Promise.race([fetch(spec.readyUrl, { signal: AbortSignal.timeout(2000) }), spawnError]);
        if (res.ok) return managed;
      } catch (error) {
        if ((error as Error).message.startsWith(spec.name)) throw error;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`${spec.name} did not answer ${spec.readyUrl} within ${Math.round((spec.readyTimeoutMs ?? 30_000) / 1000)} s`);
  } catch (error) {
    await stop();
    throw new Error(`${(error as Error).message}\n--- last lines of its log ---\n${logTail()}`, { cause: error });
  }
}

/** Waits until something listens on 127.0.0.1:port; fails at once, with its log, when the process exits first. */
export async function waitForPort(port: number, timeoutMs: number, proc: ManagedProcess): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc.child.exitCode !== null) throw new Error(`${proc.name} exited with code ${proc.child.exitCode}\n--- last lines of its log ---\n${proc.logTail()}`);
    if (await tcpOpens('127.0.0.1', port)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${proc.name} did not listen on 127.0.0.1:${port} within ${timeoutMs / 1000} s\n--- last lines of its log ---\n${proc.logTail()}`);
}
