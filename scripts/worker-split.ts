// How a held gateway spreads the gate's capacity load over its workers: per phase, the connections each worker
// process holds on the gateway's port and the CPU ticks it used, beside the phase's throughput. Diagnoses whether
// the kernel's spread of connections (gunicorn reuse_port) lasts across rounds or is drawn again each round.
// restart: blocks of phases, the gateway's workers re-forked (SIGHUP to gunicorn) before each block after the first,
// to compare the spread of throughput between worker processes (block means) with the spread within (phases of a block).
//   npm run stack -- --hold   (in another shell; a containers stack whose gateway image has python3)
//   node scripts/worker-split.ts [shared|fresh|restart] [phases=6] [idle ms between phases=7000] [vus=8] [blocks=1]
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { createOperation, withoutClose } from '../tests/support/mcp/operations.ts';
import { runScenario } from '../tests/support/engine/runner.ts';
import { authHeaders, gatewayTool } from '../tests/support/perf-case.ts';
import { HELD_STACK_FILE } from '../tests/support/stack/reuse.ts';
import { adapterFor } from '../tests/support/gateway/adapters.ts';
import type { StackInfo } from '../tests/support/shared/stack-info.ts';

const [mode = 'shared', phasesArg = '6', idleArg = '7000', vusArg = '8', blocksArg = '1'] = process.argv.slice(2);
const [phases, idleMs, vus, blocks] = [phasesArg, idleArg, vusArg, blocksArg].map(Number) as [number, number, number, number];
if (!['shared', 'fresh', 'restart'].includes(mode) || ![phases, idleMs, vus, blocks].every((n) => Number.isInteger(n) && n >= 0) || phases < 1 || vus < 1 || blocks < 1) {
  console.error('usage: node scripts/worker-split.ts [shared|fresh|restart] [phases >= 1] [idle ms] [vus >= 1] [blocks >= 1]');
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
    if int(pid) == os.getpid(): continue
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
// gunicorn's master re-forks its workers on SIGHUP (the app stays preloaded in the master): new worker processes.
const hup = `
import os, signal
procs = {}
for pid in filter(str.isdigit, os.listdir('/proc')):
    if int(pid) == os.getpid(): continue
    try:
        cmd = open(f'/proc/{pid}/cmdline', 'rb').read().replace(b'\\0', b' ').decode()
        ppid = int(open(f'/proc/{pid}/stat').read().rsplit(')', 1)[1].split()[1])
        procs[int(pid)] = (cmd, ppid)
    except OSError: pass
masters = [p for p, (c, pp) in procs.items() if 'gunicorn' in c and 'gunicorn' not in procs.get(pp, ('', 0))[0]]
for m in masters: os.kill(m, signal.SIGHUP)
print(len(masters))
`;
const processIds = () => Object.keys(sample().cpu);

/** New worker processes: SIGHUP to the gateway's gunicorn master, then wait until the old ones are gone and it serves. */
async function refork(): Promise<void> {
  const before = new Set(processIds());
  const masters = execFileSync('docker', ['exec', containerId, 'python3', '-c', hup], { encoding: 'utf8', timeout: 15_000 }).trim();
  if (masters !== '1') throw new Error(`expected one gunicorn master in the gateway's container, found ${masters}: this mode needs a gunicorn gateway`);
  const deadline = Date.now() + 120_000;
  for (;;) {
    await new Promise((r) => setTimeout(r, 2000));
    const now = processIds();
    const fresh = now.filter((p) => !before.has(p)).length;
    const res = await fetch(gw!.readyUrl ?? gw!.mcpUrl, { signal: AbortSignal.timeout(5000) }).catch(() => undefined);
    if (fresh >= gw!.workers && now.length <= before.size && res && res.status < 500) return;
    if (Date.now() > deadline) throw new Error('the gateway\'s workers were not replaced within 120 s of SIGHUP');
  }
}

const scenario = { name: 'worker split', executor: 'constant-vus' as const, vus, duration: '6s', timeout: '30s' };
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const sd = (xs: number[]) => Math.sqrt(xs.reduce((a, x) => a + (x - mean(xs)) ** 2, 0) / Math.max(1, xs.length - 1));
const blockRates: number[][] = [];
for (let block = 0; block < (mode === 'restart' ? blocks : 1); block++) {
  if (block > 0) await refork();
  const rates: number[] = [];
  const shared = mode !== 'fresh' ? createOperation(spec) : undefined;
  try {
    for (let i = 0; i < phases; i++) {
      if (i > 0) await new Promise((r) => setTimeout(r, idleMs));
      const op = shared ?? createOperation(spec);
      try {
        await runScenario({ ...scenario, name: 'worker split warm-up', duration: i === 0 ? '10s' : '1s' }, withoutClose(op));
        const a = sample();
        const r = await runScenario(scenario, withoutClose(op));
        const b = sample();
        rates.push(r.rate.achieved);
        const busy = Object.keys(b.cpu).filter((p) => b.cpu[p]! - (a.cpu[p] ?? 0) > 10);
        console.log(`${mode}${mode === 'restart' ? ` block ${block + 1}` : ''} phase ${i + 1}: ${r.rate.achieved} calls/s, p50 ${r.latency.p50} ms | ${busy.map((p) => `pid ${p}: ${b.conns[p] ?? 0} conn, ${b.cpu[p]! - (a.cpu[p] ?? 0)} ticks`).join('; ')}`);
      } finally {
        if (!shared) await op.close?.();
      }
    }
  } finally {
    await shared?.close?.();
  }
  blockRates.push(rates);
}
if (blockRates.length > 1) {
  // Were processes alike, block means would spread as sd within a block / sqrt(phases per block).
  const within = Math.sqrt(mean(blockRates.map((r) => sd(r) ** 2)));
  const means = blockRates.map(mean);
  console.log(`block means ${means.map((m) => m.toFixed(2)).join(', ')} calls/s: their sd ${sd(means).toFixed(2)}; expected from the spread within blocks ${(within / Math.sqrt(phases)).toFixed(2)} (sd within ${within.toFixed(2)})`);
}
