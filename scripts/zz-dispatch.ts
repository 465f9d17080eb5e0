// scratch: engine at a fixed rate against the target with an Agent or a Pool, prints CPU per request
import { parseArgs } from 'node:util';
import { createAgent, createPool, httpRequest } from '../tests/support/engine/http.ts';
import { runScenario } from '../tests/support/engine/runner.ts';
const { values: a } = parseArgs({ options: { url: { type: 'string' }, kind: { type: 'string', default: 'agent' }, rate: { type: 'string', default: '5000' }, duration: { type: 'string', default: '10s' } } });
const url = new URL(a.url!);
const d = a.kind === 'pool' ? createPool(url.origin, { connections: 64 }) : createAgent({ connections: 64 });
const cpu0 = process.cpuUsage();
const r = await runScenario({ name: 'x', executor: 'constant-arrival-rate', rate: Number(a.rate), duration: a.duration, preAllocatedVUs: 64, maxVUs: 256 },
  { iterate: async ({ signal }) => { const res = await httpRequest(d, url.origin, { path: url.pathname, signal, discardBody: true }); return { ok: true, bytesIn: res.bytesIn }; } });
const c = process.cpuUsage(cpu0);
console.log(JSON.stringify({ kind: a.kind, done: r.counts.completed, dropped: r.counts.dropped, cpuUsPerReq: +((c.user + c.system) / r.counts.completed).toFixed(1), lagP99: r.schedulerLag.p99, p50: r.latency.p50 }));
await d.close();
