// The suite's own reaper, a detached process: when the process that started a stack is gone (Ctrl-C,
// a crash, SIGKILL, Vitest's immediate exit on SIGINT), it removes every container and network
// labelled with the run and kills the process groups the run started. Exits by itself afterwards,
// or when the state file disappears (the run tore down normally).
//   node watchdog.ts <parent-pid> <state-file>
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';

const [parentArg, stateFile] = process.argv.slice(2);
const parent = Number(parentArg);
if (!parent || !stateFile) process.exit(2);

interface State {
  runIds: string[];
  pgids: number[];
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function reap(state: State): Promise<void> {
  for (const pgid of state.pgids) {
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
  if (state.runIds.length === 0) return;
  const { getContainerRuntimeClient } = await import('testcontainers');
  const { sweepRun } = await import('./containers.ts');
  const client = await getContainerRuntimeClient();
  for (const id of state.runIds) await sweepRun(client, id);
}

const timer = setInterval(() => {
  if (!existsSync(stateFile)) process.exit(0);
  if (alive(parent)) return;
  clearInterval(timer);
  let state: State = { runIds: [], pgids: [] };
  try {
    state = JSON.parse(readFileSync(stateFile, 'utf8')) as State;
  } catch {
    /* nothing recorded */
  }
  const hardStop = setTimeout(() => process.exit(1), 120_000);
  void reap(state).finally(() => {
    // The state file's directory is the guard's own (mkdtemp): nothing else is in it.
    rmSync(dirname(stateFile), { recursive: true, force: true });
    clearTimeout(hardStop);
    process.exit(0);
  });
}, 300);
