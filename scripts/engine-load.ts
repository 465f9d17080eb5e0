// Runs one engine scenario against a URL in this process and prints one JSON line: the result's key
// figures, this process's CPU time and (with --heap) heap use after GC at 10% of the run and at the end.
//   node --expose-gc scripts/engine-load.ts --url URL (--vus N --duration 10s | --rate R --duration 10s | --vus N --iterations N) [--connections N] [--heap] [--workers N]
import { runScenario, runScenarioInWorkers } from '../tests/support/engine/runner.ts';
import type { ScenarioInput } from '../tests/support/engine/scenario.ts';
import { createOperation, type OperationSpec } from '../tests/support/mcp/operations.ts';
import { parseCli, refuse } from './cli.ts';

const USAGE = 'usage: node --expose-gc scripts/engine-load.ts --url URL (--vus N --duration 10s | --rate R --duration 10s | --vus N --iterations N) [--connections N] [--heap] [--workers N]';
const { values: a } = parseCli('engine-load', {
  url: { type: 'string' }, vus: { type: 'string' }, rate: { type: 'string' }, duration: { type: 'string', default: '10s' },
  iterations: { type: 'string' }, connections: { type: 'string', default: '64' }, heap: { type: 'boolean', default: false }, workers: { type: 'string', default: '1' },
}, USAGE);
if (!a.url) refuse('engine-load', `--url is required; ${USAGE}`);
const spec: OperationSpec = { kind: 'http-get', url: a.url, connections: Number(a.connections) };
const scenario: ScenarioInput = a.rate
  ? { name: 'bench', executor: 'constant-arrival-rate', rate: Number(a.rate), duration: a.duration, preAllocatedVUs: Number(a.connections), maxVUs: Number(a.connections) * 4 }
  : a.iterations
    ? { name: 'bench', executor: 'shared-iterations', vus: Number(a.vus ?? 64), iterations: Number(a.iterations), maxDuration: '10m' }
    : { name: 'bench', executor: 'constant-vus', vus: Number(a.vus ?? 64), duration: a.duration };

const gc = (globalThis as { gc?: () => void }).gc;
const heapNow = () => {
  gc?.();
  gc?.();
  return process.memoryUsage().heapUsed;
};
let heapAfterWarmup: number | undefined;
let completed = 0;
const warmupAt = a.iterations ? Number(a.iterations) / 10 : Number.POSITIVE_INFINITY;
const cpu0 = process.cpuUsage();
const workers = Number(a.workers);
const result = workers > 1
  ? await runScenarioInWorkers(scenario, { module: new URL('../tests/support/mcp/operation-module.ts', import.meta.url), params: spec, workers })
  : await runScenario(scenario, createOperation(spec), {
      onSecond: (p) => {
        completed += p.requests;
        if (a.heap && heapAfterWarmup === undefined && completed >= warmupAt) heapAfterWarmup = heapNow();
      },
    });
const cpu = process.cpuUsage(cpu0);
console.log(JSON.stringify({
  completed: result.counts.completed, ok: result.counts.ok, dropped: result.counts.dropped, errors: result.errors,
  achieved: result.rate.achieved, durationMs: result.durationMs, latency: result.latency, service: result.service, lag: result.schedulerLag,
  cpuMicros: cpu.user + cpu.system,
  heapAfterWarmup: a.heap ? heapAfterWarmup ?? null : undefined, heapEnd: a.heap ? heapNow() : undefined, rss: process.memoryUsage().rss,
}));
