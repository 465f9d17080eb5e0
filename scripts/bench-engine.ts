// Engine benchmark: the engine against autocannon (npm) and wrk / hey (Debian packages) on one trivial
// loopback target, in the same run, each generator in its own process. Prints figures and ratios; it
// judges nothing (this machine is noisy: compare ratios, rerun before concluding).
//   npm run bench:engine [-- --seconds 10 --connections 64 --rate 5000 --requests 1000000 --rounds 5 --skip-heap]
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { startHttpTarget } from '../tests/support/stack/http-target.ts';
import { runCleanups } from '../tests/support/stack/cleanup.ts';

const { values: o } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' }, connections: { type: 'string', default: '64' },
    rate: { type: 'string', default: '5000' }, requests: { type: 'string', default: '1000000' },
    'skip-heap': { type: 'boolean', default: false }, rounds: { type: 'string', default: '5' },
  },
});
const seconds = Number(o.seconds);
const conns = Number(o.connections);
const rate = Number(o.rate);
const root = fileURLToPath(new URL('..', import.meta.url));
const bin = (name: string) => `${root}node_modules/.bin/${name}`;

interface Run {
  stdout: string;
  cpuSeconds: number;
}

/** Runs a command as a child of bash and reads the child's user+sys CPU from `times`. */
function measured(cmd: string, args: string[]): Promise<Run> {
  const quoted = [cmd, ...args].map((x) => `'${x.replace(/'/g, `'\\''`)}'`).join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', `${quoted} > /tmp/mcp-perf-bench.out 2>&1; status=$?; times; exit $status`], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    child.on('exit', (code) => {
      const lines = out.trim().split('\n');
      const childTimes = lines.at(-1) ?? '';
      const secs = [...childTimes.matchAll(/(\d+)m([\d.]+)s/g)].reduce((sum, m) => sum + Number(m[1]) * 60 + Number(m[2]), 0);
      const stdout = execFileSync('cat', ['/tmp/mcp-perf-bench.out']).toString();
      if (code !== 0) reject(new Error(`${cmd} exited ${code}: ${stdout.slice(-500)}`));
      else resolve({ stdout, cpuSeconds: secs });
    });
  });
}

function ensurePeers(): { wrk: boolean; hey: boolean } {
  const has = (b: string) => ['/usr/bin/', '/usr/local/bin/'].some((d) => existsSync(d + b));
  if ((!has('wrk') || !has('hey')) && process.getuid?.() === 0) {
    try {
      console.log('installing wrk and hey from Debian packages...');
      execFileSync('bash', ['-c', 'apt-get update -qq >/dev/null 2>&1; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk hey >/dev/null 2>&1'], { stdio: 'inherit', timeout: 300_000 });
    } catch {
      console.log('could not install wrk/hey; those comparisons are left out');
    }
  }
  return { wrk: has('wrk'), hey: has('hey') };
}

const engine = async (args: string[]) => {
  const run = await measured(process.execPath, ['--expose-gc', `${root}scripts/engine-load.ts`, ...args]);
  const json = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as {
    completed: number; achieved: number; latency: { p50: number; p99: number }; service: { p50: number }; lag: { p99: number }; heapAfterWarmup?: number; heapEnd?: number; dropped: number; errors: Record<string, number>;
  };
  return { ...json, cpuSeconds: run.cpuSeconds };
};

const autocannon = async (args: string[]) => {
  const run = await measured(bin('autocannon'), ['-j', ...args]);
  const j = JSON.parse(run.stdout.slice(run.stdout.indexOf('{'))) as { requests: { total: number; average: number }; latency: { p50: number }; duration: number; errors: number; non2xx: number };
  return { rps: j.requests.total / j.duration, p50: j.latency.p50, completed: j.requests.total, errors: j.errors + j.non2xx, cpuSeconds: run.cpuSeconds };
};

const bareSocket = async (args: string[]) => {
  const run = await measured(process.execPath, [`${root}scripts/bare-socket-load.ts`, ...args]);
  const json = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as { completed: number };
  return { ...json, cpuSeconds: run.cpuSeconds };
};

const k6Bin = `${root}.tools/k6`;
/** k6's constant-arrival-rate: a peer that spaces requests evenly, as the engine does (installed by setup --with-k6). */
const k6Rate = async (secs: number) => {
  const script = '/tmp/mcp-perf-bench-k6.js';
  const summary = '/tmp/mcp-perf-bench-k6.json';
  writeFileSync(script, `import http from 'k6/http';
export const options = { discardResponseBodies: true, scenarios: { s: { executor: 'constant-arrival-rate', rate: ${rate}, timeUnit: '1s', duration: '${secs}s', preAllocatedVUs: ${conns}, maxVUs: ${conns * 4} } } };
export default function () { http.get('${url}'); }
`);
  const run = await measured(k6Bin, ['run', '-q', '--no-usage-report', '--summary-export', summary, script]);
  const j = JSON.parse(execFileSync('cat', [summary]).toString()) as { metrics: { http_reqs: { count: number }; http_req_duration: { med: number } } };
  return { completed: j.metrics.http_reqs.count, p50: j.metrics.http_req_duration.med, cpuSeconds: run.cpuSeconds };
};

interface Arrivals {
  requests: number;
  busiest: number;
  mean: number;
  emptyShare: number;
}
const arrivals = async (): Promise<Arrivals> => (await fetch(`${target.baseUrl}/arrivals`)).json() as Promise<Arrivals>;

const wrk = async (url: string, connections = conns, secs = seconds) => {
  const run = await measured('wrk', ['-t1', `-c${connections}`, `-d${secs}s`, '--latency', url]);
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(run.stdout)?.[1]);
  const p50text = /50%\s+([\d.]+)(us|ms|s)/.exec(run.stdout);
  const p50 = p50text ? Number(p50text[1]) * ({ us: 0.001, ms: 1, s: 1000 }[p50text[2] as 'us' | 'ms' | 's']) : Number.NaN;
  return { rps, p50, cpuSeconds: run.cpuSeconds };
};

const hey = async (url: string, connections = conns, secs = seconds) => {
  const run = await measured('hey', ['-z', `${secs}s`, '-c', String(connections), url]);
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(run.stdout)?.[1]);
  const p50 = Number(/50%\s+in\s+([\d.]+)\s+secs/.exec(run.stdout)?.[1]) * 1000;
  return { rps, p50, cpuSeconds: run.cpuSeconds };
};

const fmt = (n: number, d = 1) => (Number.isFinite(n) ? n.toFixed(d) : 'n/a');

const median = (xs: number[]) => {
  const v = xs.filter(Number.isFinite).sort((a, b) => a - b);
  return v.length ? v[Math.floor((v.length - 1) / 2)]! : Number.NaN;
};
/** Median of the same-round ratios a[i] / b[i] (rounds are paired because the machine drifts between them). */
const ratio = (a: number[], b: number[]) => median(a.map((x, i) => x / (b[i] ?? Number.NaN)));
/** CPU microseconds per request of the longer run's extra requests: start-up and warm-up cancel out. */
const marginalCpu = (short: { cpuSeconds: number; completed: number }, long: { cpuSeconds: number; completed: number }) =>
  ((long.cpuSeconds - short.cpuSeconds) * 1e6) / (long.completed - short.completed);
const rounds = Number(o.rounds);
const shortSeconds = Math.max(1, Math.round(seconds / 5));

const peers = ensurePeers();
const target = await startHttpTarget();
const url = `${target.baseUrl}/ok`;
try {
  console.log(`target ${url} (Node http, own process); ${conns} connections; ${seconds}s per run; ${rounds} alternating rounds, medians; node ${process.version}\n`);

  console.log(`1. maximum throughput, closed model (${conns} connections)`);
  const t: Record<'engine' | 'autocannon' | 'wrk' | 'hey', { rps: number; p50: number; cpuSeconds: number }[]> = { engine: [], autocannon: [], wrk: [], hey: [] };
  for (let r = 0; r < rounds; r++) {
    const e = await engine(['--url', url, '--vus', String(conns), '--connections', String(conns), '--duration', `${seconds}s`]);
    t.engine.push({ rps: e.achieved, p50: e.latency.p50, cpuSeconds: e.cpuSeconds });
    const a = await autocannon(['-c', String(conns), '-d', String(seconds), url]);
    t.autocannon.push({ rps: a.rps, p50: a.p50, cpuSeconds: a.cpuSeconds });
    if (peers.wrk) t.wrk.push(await wrk(url));
    if (peers.hey) t.hey.push(await hey(url));
  }
  const pairRatio = (a: { rps: number }[], b: { rps: number }[]) => ratio(a.map((x) => x.rps), b.map((x) => x.rps));
  for (const [name, runs] of Object.entries(t)) {
    if (!runs.length) continue;
    const cpuPerRequest = median(runs.map((x) => (x.cpuSeconds * 1e6) / (x.rps * seconds)));
    console.log(`   ${name.padEnd(11)} ${runs.map((x) => fmt(x.rps, 0)).join(' / ')} req/s (median ${fmt(median(runs.map((x) => x.rps)), 0)}), p50 median ${fmt(median(runs.map((x) => x.p50)), 3)} ms, CPU ${fmt(cpuPerRequest, 1)} us/request`);
  }
  console.log(`   ratio engine/autocannon ${fmt(pairRatio(t.engine, t.autocannon), 3)}x (goal >= 1.0)   engine/wrk ${t.wrk.length ? `${fmt(pairRatio(t.engine, t.wrk), 3)}x` : 'n/a'} (goal >= 0.9)`);
  console.log('   (CPU: the whole process, start-up included, over its requests; the target and the generator share this machine\'s cores, so a generator\'s CPU per request caps what the target gets)\n');

  console.log(`2. fixed rate ${rate} req/s (CPU per request = extra CPU of a ${seconds}s run over a ${shortSeconds}s run, per extra request)`);
  const lag: number[] = [];
  const achieved: number[] = [];
  const dropped: number[] = [];
  const cpu: Record<'engine' | 'autocannon' | 'bare' | 'k6', number[]> = { engine: [], autocannon: [], bare: [], k6: [] };
  const spread: Record<'engine' | 'autocannon' | 'k6', Arrivals[]> = { engine: [], autocannon: [], k6: [] };
  const withK6 = existsSync(k6Bin);
  /** p50 at the same evenly spaced load: the engine's service time (from its send) and k6's http_req_duration. */
  const sameLoadP50: Record<'engine' | 'k6', number[]> = { engine: [], k6: [] };
  for (let r = 0; r < rounds; r++) {
    const eArgs = (d: number) => ['--url', url, '--rate', String(rate), '--connections', String(conns), '--duration', `${d}s`];
    const eShort = await engine(eArgs(shortSeconds));
    await arrivals();
    const eLong = await engine(eArgs(seconds));
    spread.engine.push(await arrivals());
    const aShort = await autocannon(['-c', String(conns), '-d', String(shortSeconds), '-R', String(rate), url]);
    await arrivals();
    const aLong = await autocannon(['-c', String(conns), '-d', String(seconds), '-R', String(rate), url]);
    spread.autocannon.push(await arrivals());
    if (withK6) {
      const kShort = await k6Rate(shortSeconds);
      await arrivals();
      const kLong = await k6Rate(seconds);
      spread.k6.push(await arrivals());
      cpu.k6.push(marginalCpu(kShort, kLong));
      sameLoadP50.k6.push(kLong.p50);
      sameLoadP50.engine.push(eLong.service.p50);
    }
    const bShort = await bareSocket(eArgs(shortSeconds));
    const bLong = await bareSocket(eArgs(seconds));
    cpu.engine.push(marginalCpu(eShort, eLong));
    cpu.autocannon.push(marginalCpu(aShort, aLong));
    cpu.bare.push(marginalCpu(bShort, bLong));
    lag.push(eLong.lag.p99);
    achieved.push(eLong.achieved);
    dropped.push(eLong.dropped);
  }
  const spreadText = (runs: Arrivals[]) =>
    `busiest 50 ms window ${fmt(median(runs.map((x) => x.busiest)), 0)} requests (even spacing: ${fmt(rate / 20, 0)}), ${fmt(100 * median(runs.map((x) => x.emptyShare)), 0)}% of windows empty`;
  console.log(`   engine      achieved ${achieved.map((x) => fmt(x)).join(' / ')} req/s (median ${fmt(median(achieved) / rate, 4)}x of target, goal within 1%), dropped ${dropped.join(' / ')}`);
  console.log(`               scheduler lag p99 ${lag.map((x) => fmt(x, 3)).join(' / ')} ms (median ${fmt(median(lag), 3)}, goal < 2 ms)`);
  console.log(`               CPU ${cpu.engine.map((x) => fmt(x, 1)).join(' / ')} us/request; ${spreadText(spread.engine)}`);
  console.log(`   autocannon  CPU ${cpu.autocannon.map((x) => fmt(x, 1)).join(' / ')} us/request; ${spreadText(spread.autocannon)}`);
  if (!withK6) console.log('   k6          not installed (npm run setup -- --with-k6): no evenly spacing peer in this run');
  if (withK6) console.log(`   k6          CPU ${cpu.k6.map((x) => fmt(x, 1)).join(' / ')} us/request; ${spreadText(spread.k6)} (constant-arrival-rate: spaces requests evenly, as the engine does)`);
  console.log(`   bare socket CPU ${cpu.bare.map((x) => fmt(x, 1)).join(' / ')} us/request (scripts/bare-socket-load.ts: even spacing, no parsing, no timing: the floor for an open model in Node)`);
  console.log(`   ratio CPU per request engine/autocannon ${fmt(ratio(cpu.engine, cpu.autocannon), 3)}x (goal <= 1.0)   engine/bare socket ${fmt(ratio(cpu.engine, cpu.bare), 3)}x   autocannon/bare socket ${fmt(ratio(cpu.autocannon, cpu.bare), 3)}x${withK6 ? `   engine/k6 ${fmt(ratio(cpu.engine, cpu.k6), 3)}x` : ''}`);
  console.log('   (autocannon -R sends each connection\'s quota for the second as fast as it can and then waits for the next second: its requests come in bursts, see the windows)\n');

  console.log('3. p50 agreement (median of rounds)');
  const p50 = (runs: { p50: number }[]) => median(runs.map((x) => x.p50));
  console.log(`   at ${conns} connections, saturating: engine/wrk ${t.wrk.length ? `${fmt(p50(t.engine) / p50(t.wrk), 3)}x` : 'n/a'}   engine/hey ${t.hey.length ? `${fmt(p50(t.engine) / p50(t.hey), 3)}x` : 'n/a'} (there p50 = connections / each tool's own throughput: not a test of agreement; autocannon reports whole milliseconds only)`);
  if (peers.wrk) {
    const light: Record<'engine' | 'wrk', number[]> = { engine: [], wrk: [] };
    for (let r = 0; r < rounds; r++) {
      light.engine.push((await engine(['--url', url, '--vus', '1', '--connections', '1', '--duration', `${shortSeconds * 2}s`])).latency.p50);
      light.wrk.push((await wrk(url, 1, shortSeconds * 2)).p50);
    }
    console.log(`   at 1 connection (round-trip time): engine ${light.engine.map((x) => fmt(x, 3)).join(' / ')} ms, wrk ${light.wrk.map((x) => fmt(x, 3)).join(' / ')} ms: engine/wrk ${fmt(median(light.engine) / median(light.wrk), 3)}x (hey prints 0.1 ms steps: too coarse here)`);
  }
  {
    // The target answers after a fixed wait, so every tool gets the same throughput and the same latency to
    // measure; what differs is each tool's own overhead and clock. hey's 0.1 ms steps are 2% of this.
    const delayed = `${target.baseUrl}/delay?ms=5`;
    const few = 16;
    const same: Record<'engine' | 'wrk' | 'hey', number[]> = { engine: [], wrk: [], hey: [] };
    for (let r = 0; r < rounds; r++) {
      same.engine.push((await engine(['--url', delayed, '--vus', String(few), '--connections', String(few), '--duration', `${shortSeconds * 2}s`])).latency.p50);
      if (peers.wrk) same.wrk.push((await wrk(delayed, few, shortSeconds * 2)).p50);
      if (peers.hey) same.hey.push((await hey(delayed, few, shortSeconds * 2)).p50);
    }
    const list = (xs: number[]) => xs.map((x) => fmt(x, 3)).join(' / ');
    console.log(`   at ${few} connections to a 5 ms answer (same load for every tool): engine ${list(same.engine)} ms, wrk ${list(same.wrk)} ms, hey ${list(same.hey)} ms: ` +
      `engine/wrk ${fmt(ratio(same.engine, same.wrk), 3)}x   engine/hey ${fmt(ratio(same.engine, same.hey), 3)}x (goal within 10%)`);
  }
  if (withK6) {
    console.log(`   at ${rate} req/s evenly spaced (same load, not saturating): engine service time ${sameLoadP50.engine.map((x) => fmt(x, 3)).join(' / ')} ms, k6 http_req_duration ${sameLoadP50.k6.map((x) => fmt(x, 3)).join(' / ')} ms: engine/k6 ${fmt(ratio(sameLoadP50.engine, sameLoadP50.k6), 3)}x`);
  }
  console.log('');

  if (!o['skip-heap']) {
    console.log(`4. engine heap growth over ${o.requests} requests`);
    const e4 = await engine(['--url', url, '--vus', String(conns), '--connections', String(conns), '--iterations', String(o.requests), '--heap']);
    const growth = ((e4.heapEnd ?? 0) - (e4.heapAfterWarmup ?? 0)) / 1024 / 1024;
    console.log(`   ${e4.completed} requests at ${fmt(e4.achieved)} req/s; heap after GC at 10% ${fmt((e4.heapAfterWarmup ?? 0) / 1048576, 2)} MB, at the end ${fmt((e4.heapEnd ?? 0) / 1048576, 2)} MB: growth ${fmt(growth, 2)} MB (goal < 5 MB)`);
  }
} finally {
  await target.process.stop();
  await runCleanups();
}
