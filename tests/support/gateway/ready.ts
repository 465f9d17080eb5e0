import { describeError } from '../engine/errors.ts';

export type PollOutcome = { ready: true } | { ready: false; exited: boolean; last: string };

/**
 * Polls GET `url` every 500 ms until it answers 200, until `timeoutMs` has passed, or at once when `isAlive` says the
 * server is gone; `last` is the last answer (status and the start of its body) or error, for the caller's message.
 */
export async function pollUntilOk(url: string, timeoutMs: number, isAlive: () => Promise<boolean> = async () => true): Promise<PollOutcome> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    if (!(await isAlive())) return { ready: false, exited: true, last };
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(3000), headers: { connection: 'close' } });
      last = `${res.status} ${(await res.text()).slice(0, 300)}`;
      if (res.status === 200) return { ready: true };
    } catch (error) {
      last = describeError(error);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  return { ready: false, exited: false, last };
}
