import type { GatewayEndpoints } from '../shared/stack-info.ts';

/** Whether the gateway process is still there, and if not how it ended and what it said last. */
export interface GatewayState {
  alive: boolean;
  /** How it ended, as a sentence's end: "it exited with code 137 (OOM killed) at ...", "its process 123 is gone". */
  ended?: string;
  logTail?: string;
}

/** Looks at the gateway's container (Docker API) or process (signal 0); undefined when neither is ours to look at. */
export async function gatewayState(gateway: Pick<GatewayEndpoints, 'containerId' | 'pid'>, tailLines = 30): Promise<GatewayState | undefined> {
  if (gateway.containerId) {
    const { dockerContainerIfAny } = await import('./runtime.ts');
    const container = await dockerContainerIfAny(gateway.containerId);
    if (!container) return undefined;
    const info = await container.inspect().catch((e: Error) => e);
    if (info instanceof Error) return { alive: false, ended: `its container is gone (${info.message})` };
    if (info.State.Running) return { alive: true };
    const logs = await container.logs({ stdout: true, stderr: true, tail: tailLines }).catch((e: Error) => Buffer.from(`(logs unavailable: ${e.message})`));
    return {
      alive: false,
      ended: `it exited with code ${info.State.ExitCode}${info.State.OOMKilled ? ' (OOM killed)' : ''} at ${info.State.FinishedAt}`,
      logTail: demultiplex(logs).trim(),
    };
  }
  if (gateway.pid) {
    try {
      process.kill(gateway.pid, 0);
      return { alive: true };
    } catch {
      return { alive: false, ended: `its process ${gateway.pid} is gone` };
    }
  }
  return undefined;
}

/** One line (and the log tail) for an error message when the gateway died; '' while it runs or cannot be looked at. */
export async function gatewayDeathNote(gateway: Pick<GatewayEndpoints, 'containerId' | 'pid'> | undefined): Promise<string> {
  if (!gateway) return '';
  const state = await gatewayState(gateway).catch(() => undefined);
  if (!state || state.alive) return '';
  return `\nTHE GATEWAY ITSELF DIED: ${state.ended}.${state.logTail ? `\n--- last lines of its log ---\n${state.logTail}` : ''}`;
}

/** Docker's multiplexed log stream (8-byte frame headers: stream, 3 zero bytes, payload length) as text. */
export function demultiplex(raw: Buffer): string {
  const parts: Buffer[] = [];
  let at = 0;
  while (at + 8 <= raw.length && raw[at]! <= 2 && raw[at + 1] === 0 && raw[at + 2] === 0 && raw[at + 3] === 0) {
    const size = raw.readUInt32BE(at + 4);
    parts.push(raw.subarray(at + 8, at + 8 + size));
    at += 8 + size;
  }
  // A container with a TTY sends plain text, no frames.
  return at === 0 ? raw.toString('utf8') : Buffer.concat(parts).toString('utf8');
}
