import { fileURLToPath } from 'node:url';
import { freePort, startProcess, type ManagedProcess } from './process.ts';

/** Starts fixtures/targets/http-target.ts as a separate process on a free loopback port. */
export async function startHttpTarget(): Promise<{ process: ManagedProcess; baseUrl: string }> {
  const port = await freePort();
  const proc = await startProcess({
    name: 'http-target', command: process.execPath,
    args: [fileURLToPath(new URL('../../../fixtures/targets/http-target.ts', import.meta.url)), '--port', String(port)],
    readyUrl: `http://127.0.0.1:${port}/health`, readyTimeoutMs: 15_000,
  });
  return { process: proc, baseUrl: `http://127.0.0.1:${port}` };
}
