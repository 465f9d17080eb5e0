// How a held gateway spreads the gate's capacity load over its workers: per phase, the connections each worker
// process holds on the gateway's port and the CPU ticks it used, beside the phase's throughput. Diagnoses whether
// the kernel's spread of connections (gunicorn reuse_port) lasts across rounds or is drawn again each round.
//   npm run stack -- --hold   (in another shell; a containers stack whose gateway image has python3)
//   node scripts/worker-split.ts [shared|fresh] [phases=6] [idle ms between phases=7000] [vus=8]
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { createOperation, withoutClose } from '../tests/support/mcp/operations.ts';
import { runScenario } from '../tests/support/engine/runner.ts';
import { authHeaders, gatewayTool } from '../tests/support/perf-case.ts';
import { HELD_STACK_FILE } from '../tests/support/stack/reuse.ts';
import { adapterFor } from '../tests/support/gateway/adapters.ts';
import type { StackInfo } from '../tests/support/shared/stack-info.ts';

const [mode = 'shared', phasesArg = '6', idleArg = '7000', vusArg = '8'] = process.argv.slice(2);
const [phases, idleMs, vus] = [phasesArg, idleArg, vusArg].map(Number) as [number, number, number];
if (!['shared', 'fresh'].includes(mode) || ![phases, idleMs, vus].every((n) => Number.isInteger(n) && n >= 0) || phases < 1 || vus < 1) {
  console.error('usage: node scripts/worker-split.ts [shared|fresh] [phases >= 1] [idle ms] [vus >= 1]');
  process.exit(2);
}
let info: StackInfo;
try {
  info = JSON.parse(readFileSync(HELD_STACK_FILE, 'utf8')) as StackInfo;
} catch (error) {
  console.error(`${HELD_STACK_FILE} cannot be read (${(error as Error).message}): start a stack with "npm run stack -- --hold" first`);
  process.exit(2);
}
const gw = info.gateway;
if (!gw?.containerId) {
  console.error(`${HELD_STACK_FILE} holds no gateway container: this diagnostic reads the gateway's /proc through docker exec`);
  process.exit(2);
}
const containerId = gw.containerId;
const innerPort = adapterFor(gw.kind).image.port;
const spec = {
  kind: 'streamable' as const, url: gw.mcpUrl, headers: authHeaders(gw), session: 'per-vu' as const,
  call: { method: 'tools/call' as const, name: gatewayTool(gw, 'fast_time', 'get_system_time'), arguments: { timezone: 'UTC' } },
};
// Inside the container: established connections on the gateway's port by owning process, and each process's CPU ticks.
const probe = `
import os, re, json
inodes, cpu = {}, {}
for pid in filter(str.isdigit, os.listdir('/proc')):
    try:
        s = open(f'/proc/{pid}/stat').read(); f = s[s.rindex(')') + 2:].split()
        cpu[pid] = int(f[11]) + int(f[12])
        for fd in os.listdir(f'/proc/{pid}/fd'):
            m = re.match(r'socket:\\[(\\d+)\\]', os.readlink(f'/proc/{pid}/fd/{fd}'))
            if m: inodes.setdefault(m.group(1), set()).add(pid)
    except OSError: pass
conns = {}
for name in ('/proc/net/tcp', '/proc/net/tcp6'):
    for line in open(name).readlines()[1:]:
        f = line.split()
        if f[3] == '01' and int(f[1].split(':')[1], 16) == ${innerPort}:
            for pid in inodes.get(f[9], ()): conns[pid] = conns.get(pid, 0) + 1
print(json.dumps({'conns': conns, 'cpu': cpu}))
`;
type Sample = { conns: Record<string, number>; cpu: Record<string, number> };
const sample = (): Sample => JSON.parse(execFileSync('docker', ['exec', containerId, 'python3', '-c', probe], { encoding: 'utf8', timeout: 15_000 })) as Sample;
const scenario = { name: 'worker split', executor: 'constant-vus' as const, vus, duration: '6s', timeout: '30s' };
const shared = mode === 'shared' ? createOperation(spec) : undefined;
try {
  for (let i = 0; i < phases; i++) {
    if (i > 0) await new Promise((r) => setTimeout(r, idleMs));
    const op = shared ?? createOperation(spec);
    try {
      await runScenario({ ...scenario, name: 'worker split warm-up', duration: i === 0 ? '10s' : '1s' }, withoutClose(op));
      const a = sample();
      const r = await runScenario(scenario, withoutClose(op));
      const b = sample();
      const busy = Object.keys(b.cpu).filter((p) => b.cpu[p]! - (a.cpu[p] ?? 0) > 10);
      console.log(`${mode} phase ${i + 1}: ${r.rate.achieved} calls/s, p50 ${r.latency.p50} ms | ${busy.map((p) => `pid ${p}: ${b.conns[p] ?? 0} conn, ${b.cpu[p]! - (a.cpu[p] ?? 0)} ticks`).join('; ')}`);
    } finally {
      if (!shared) await op.close?.();
    }
  }
} finally {
  await shared?.close?.();
}
