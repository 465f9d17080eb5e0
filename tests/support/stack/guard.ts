import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { environment } from '../shared/config.ts';

interface GuardState {
  runIds: string[];
  pgids: number[];
}

let state: GuardState | undefined;
let stateFile: string | undefined;

function save(): void {
  if (stateFile && state) writeFileSync(stateFile, JSON.stringify(state));
}

/** Starts the watchdog once per process; it outlives this process only to clean up after it. */
function ensureWatchdog(): void {
  if (state) return;
  state = { runIds: [], pgids: [] };
  const dir = mkdtempSync(join(tmpdir(), 'mcp-perf-guard-'));
  stateFile = join(dir, 'state.json');
  save();
  const child = spawn(process.execPath, [new URL('./watchdog.ts', import.meta.url).pathname, String(process.pid), stateFile], {
    detached: true, stdio: 'ignore', env: environment(),
  });
  child.unref();
  process.once('exit', () => {
    if (state && state.runIds.length === 0 && state.pgids.length === 0) rmSync(dir, { recursive: true, force: true });
  });
}

function guard(key: keyof GuardState, value: string | number): () => void {
  ensureWatchdog();
  const list = state![key] as (string | number)[];
  list.push(value);
  save();
  return () => {
    const i = list.indexOf(value);
    if (i >= 0) list.splice(i, 1);
    save();
  };
}

/** Containers and networks labelled with this run id are removed if this process dies. */
export function guardRun(runId: string): () => void {
  return guard('runIds', runId);
}

/** This process group is killed if this process dies. */
export function guardProcessGroup(pgid: number): () => void {
  return guard('pgids', pgid);
}
