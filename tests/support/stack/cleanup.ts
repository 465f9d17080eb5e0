type Cleanup = () => Promise<void> | void;

const cleanups = new Map<number, { name: string; fn: Cleanup }>();
let nextId = 1;
let hooked = false;

/**
 * Teardown that runs even after a failure or Ctrl-C: registered cleanups run in reverse order on
 * runCleanups(), and on SIGINT/SIGTERM before the process exits.
 */
export function onCleanup(name: string, fn: Cleanup): () => void {
  hook();
  const id = nextId++;
  cleanups.set(id, { name, fn });
  return () => void cleanups.delete(id);
}

let running: Promise<void> | undefined;

/** Runs every registered cleanup; a second caller while a run is under way waits for that run. */
export function runCleanups(log: (line: string) => void = () => undefined): Promise<void> {
  running ??= (async () => {
    try {
      while (cleanups.size > 0) {
        const entries = [...cleanups.entries()].reverse();
        cleanups.clear();
        for (const [, { name, fn }] of entries) {
          try {
            await withTimeout(Promise.resolve(fn()), 90_000, `cleanup of ${name}`);
          } catch (error) {
            log(`cleanup of ${name} failed: ${(error as Error).message}`);
          }
        }
      }
    } finally {
      running = undefined;
    }
  })();
  return running;
}

function hook(): void {
  if (hooked) return;
  hooked = true;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      console.error(`\n[mcp-perf] ${signal}: removing what this run started...`);
      void runCleanups((l) => console.error(`[mcp-perf] ${l}`)).finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
    });
  }
}

export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what} did not finish within ${Math.round(ms / 1000)} s`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
