// Engine benchmark: the engine against autocannon (npm), wrk and hey (Debian packages) on a trivial loopback
// target (Node http), and on nginx where the target must not be the bottleneck; each generator in its own
// process, in the same run. Prints figures and ratios; it judges nothing (this machine is noisy: compare
// ratios, rerun before concluding).
//   npm run bench:engine [-- --seconds 10 --connections 64 --rate 5000 --requests 1000000 --rounds 5 --skip-heap]
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startHttpTarget } from '../tests/support/stack/http-target.ts';
import { findNginx, startNginxTarget } from '../tests/support/stack/nginx-target.ts';
import { runCleanups } from '../tests/support/stack/cleanup.ts';
import { numberOption, parseCli } from './cli.ts';

const USAGE = `usage: npm run bench:engine [-- --seconds 10 --connections 64 --rate 5000 --requests 1000000 --rounds 5 --skip-heap]
  the engine against autocannon, wrk and hey on a loopback target and on nginx; prints figures and ratios, judges nothing`;
const { values: o } = parseCli('bench:engine', {
  seconds: { type: 'string', default: '10' }, connections: { type: 'string', default: '64' },
  rate: { type: 'string', default: '5000' }, requests: { type: 'string', default: '1000000' },
  'skip-heap': { type: 'boolean', default: false }, rounds: { type: 'string', default: '5' },
}, USAGE);
const seconds = numberOption('bench:engine', 'seconds', o.seconds, { min: 1 });
const conns = numberOption('bench:engine', 'connections', o.connections, { min: 1, integer: true });
const rate = numberOption('bench:engine', 'rate', o.rate, { min: 1 });
numberOption('bench:engine', 'requests', o.requests, { min: 1, integer: true });
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

function ensurePeers(): { wrk: boolean; hey: boolean; nginx: boolean } {
  const has = (b: string) => ['/usr/bin/', '/usr/local/bin/'].some((d) => existsSync(d + b));
  if ((!has('wrk') || !has('hey') || !findNginx()) && process.getuid?.() === 0) {
    try {
      console.log('installing wrk, hey and nginx from Debian packages...');
      // policy-rc.d 101: the package must not start nginx as a service; the benchmark starts its own.
      execFileSync('bash', ['-c', `policy=/usr/sbin/policy-rc.d; made=; [ -e $policy ] || { printf '#!/bin/sh\\nexit 101\\n' > $policy; chmod +x $policy; made=1; }
apt-get update -qq >/dev/null 2>&1; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk hey nginx >/dev/null 2>&1; status=$?
[ -n "$made" ] && rm -f $policy; exit $status`], { stdio: 'inherit', timeout: 300_000 });
    } catch {
      console.log('could not install wrk/hey/nginx; those comparisons are left out');
    }
  }
  return { wrk: has('wrk'), hey: has('hey'), nginx: findNginx() !== undefined };
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
/** Each round's figure, in order: "1.2 / 1.4 / 1.3". */
const list = (xs: number[], d = 1) => xs.map((x) => fmt(x, d)).join(' / ');

const median = (xs: number[]) => {
  const v = xs.filter(Number.isFinite).sort((a, b) => a - b);
  return v.length ? v[Math.floor((v.length - 1) / 2)]! : Number.NaN;
};
/** Median of the same-round ratios a[i] / b[i] (rounds are paired because the machine drifts between them). */
const ratio = (a: number[], b: number[]) => median(a.map((x, i) => x / (b[i] ?? Number.NaN)));
/** CPU microseconds per request of the longer run's extra requests: start-up and warm-up cancel out. */
const marginalCpu = (short: { cpuSeconds: number; completed: number }, long: { cpuSeconds: number; completed: number }) =>
  ((long.cpuSeconds - short.cpuSeconds) * 1e6) / (long.completed - short.completed);
const rounds = numberOption('bench:engine', 'rounds', o.rounds, { min: 1, integer: true });
const shortSeconds = Math.max(1, Math.round(seconds / 5));

/**
 * A generator's short and long run at the same settings: CPU per extra request, the long run's figures and how
 * evenly the long run's requests arrived at the target (its counters are reset after the short run).
 */
async function shortAndLong<T extends { cpuSeconds: number; completed: number }>(run: (secs: number) => Promise<T>) {
  const short = await run(shortSeconds);
  await arrivals();
  const long = await run(seconds);
  return { cpu: marginalCpu(short, long), long, spread: await arrivals() };
}

type Closed = Record<'engine' | 'autocannon' | 'wrk' | 'hey', { rps: number; p50: number; cpuSeconds: number }[]>;
/** Closed-model maximum throughput of every generator on one URL, alternating over the rounds; prints the figures. */
async function maxThroughput(target: string, title: string): Promise<Closed> {
  console.log(title);
  const t: Closed = { engine: [], autocannon: [], wrk: [], hey: [] };
  for (let r = 0; r < rounds; r++) {
    const e = await engine(['--url', target, '--vus', String(conns), '--connections', String(conns), '--duration', `${seconds}s`]);
    t.engine.push({ rps: e.achieved, p50: e.latency.p50, cpuSeconds: e.cpuSeconds });
    const a = await autocannon(['-c', String(conns), '-d', String(seconds), target]);
    t.autocannon.push({ rps: a.rps, p50: a.p50, cpuSeconds: a.cpuSeconds });
    if (peers.wrk) t.wrk.push(await wrk(target));
    if (peers.hey) t.hey.push(await hey(target));
  }
  const pairRatio = (a: { rps: number }[], b: { rps: number }[]) => ratio(a.map((x) => x.rps), b.map((x) => x.rps));
  for (const [name, runs] of Object.entries(t)) {
    if (!runs.length) continue;
    const cpuPerRequest = median(runs.map((x) => (x.cpuSeconds * 1e6) / (x.rps * seconds)));
    console.log(`   ${name.padEnd(11)} ${runs.map((x) => fmt(x.rps, 0)).join(' / ')} req/s (median ${fmt(median(runs.map((x) => x.rps)), 0)}), p50 median ${fmt(median(runs.map((x) => x.p50)), 3)} ms, CPU ${fmt(cpuPerRequest, 1)} us/request`);
  }
  console.log(`   ratio engine/autocannon ${fmt(pairRatio(t.engine, t.autocannon), 3)}x (goal >= 1.0)   engine/wrk ${t.wrk.length ? `${fmt(pairRatio(t.engine, t.wrk), 3)}x` : 'n/a'} (goal >= 0.9)`);
  console.log('   (CPU: the whole process, start-up included, over its requests; the target and the generator share this machine\'s cores, so a generator\'s CPU per request caps what the target gets)\n');
  return t;
}

const peers = ensurePeers();
const target = await startHttpTarget();
const url = `${target.baseUrl}/ok`;
try {
  console.log(`target ${url} (Node http, own process); ${conns} connections; ${seconds}s per run; ${rounds} alternating rounds, medians; node ${process.version}\n`);

  const t = await maxThroughput(url, `1. maximum throughput, closed model (${conns} connections), against the Node target: whoever leaves it more CPU gets more`);
  if (peers.nginx) {
    const nginx = await startNginxTarget();
    try {
      await maxThroughput(`${nginx.baseUrl}/ok`, `1b. maximum throughput, closed model (${conns} connections), against nginx (one worker, a few us per request): each generator is bound by its own CPU`);
    } finally {
      await nginx.process.stop();
    }
  } else console.log('1b. nginx not installed (apt-get install nginx): no generator-bound throughput in this run\n');

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
    const e = await shortAndLong((d) => engine(eArgs(d)));
    const a = await shortAndLong((d) => autocannon(['-c', String(conns), '-d', String(d), '-R', String(rate), url]));
    if (withK6) {
      const k = await shortAndLong(k6Rate);
      cpu.k6.push(k.cpu);
      spread.k6.push(k.spread);
      sameLoadP50.k6.push(k.long.p50);
      sameLoadP50.engine.push(e.long.service.p50);
    }
    const b = await shortAndLong((d) => bareSocket(eArgs(d)));
    cpu.engine.push(e.cpu);
    cpu.autocannon.push(a.cpu);
    cpu.bare.push(b.cpu);
    spread.engine.push(e.spread);
    spread.autocannon.push(a.spread);
    lag.push(e.long.lag.p99);
    achieved.push(e.long.achieved);
    dropped.push(e.long.dropped);
  }
  const spreadText = (runs: Arrivals[]) =>
    `busiest 50 ms window ${fmt(median(runs.map((x) => x.busiest)), 0)} requests (even spacing: ${fmt(rate / 20, 0)}), ${fmt(100 * median(runs.map((x) => x.emptyShare)), 0)}% of windows empty`;
  console.log(`   engine      achieved ${list(achieved)} req/s (median ${fmt(median(achieved) / rate, 4)}x of target, goal within 1%), dropped ${dropped.join(' / ')}`);
  console.log(`               scheduler lag p99 ${list(lag, 3)} ms (median ${fmt(median(lag), 3)}, goal < 2 ms)`);
  console.log(`               CPU ${list(cpu.engine)} us/request; ${spreadText(spread.engine)}`);
  console.log(`   autocannon  CPU ${list(cpu.autocannon)} us/request; ${spreadText(spread.autocannon)}`);
  if (!withK6) console.log('   k6          not installed (npm run setup -- --with-k6): no evenly spacing peer in this run');
  if (withK6) console.log(`   k6          CPU ${list(cpu.k6)} us/request; ${spreadText(spread.k6)} (constant-arrival-rate: spaces requests evenly, as the engine does)`);
  console.log(`   bare socket CPU ${list(cpu.bare)} us/request (scripts/bare-socket-load.ts: even spacing, no parsing, no timing: the floor for an open model in Node)`);
  console.log(`   ratio CPU per request engine/autocannon ${fmt(ratio(cpu.engine, cpu.autocannon), 3)}x (goal <= 1.0)   engine/bare socket ${fmt(ratio(cpu.engine, cpu.bare), 3)}x   autocannon/bare socket ${fmt(ratio(cpu.autocannon, cpu.bare), 3)}x${withK6 ? `   engine/k6 ${fmt(ratio(cpu.engine, cpu.k6), 3)}x` : ''}`);
  console.log('   (autocannon -R sends each connection\'s quota for the second as fast as it can and then waits for the next second: its requests come in bursts, see the windows)\n');

  {
    // autocannon -R bursts against an instant answer; against a 10 ms answer with just enough connections its
    // closed loop cannot run ahead, so it sends evenly too and both generators wake for every answer.
    const paced = `${target.baseUrl}/delay?ms=10`;
    const pacedConns = Math.ceil((rate * 12) / 1000);
    const runs = {
      engine: (d: number) => engine(['--url', paced, '--rate', String(rate), '--connections', String(conns), '--duration', `${d}s`]).then((x) => ({ ...x, rps: x.achieved })),
      autocannon: (d: number) => autocannon(['-c', String(pacedConns), '-d', String(d), '-R', String(rate), paced]),
      engineClosed: (d: number) => engine(['--url', paced, '--vus', String(pacedConns), '--connections', String(pacedConns), '--duration', `${d}s`]).then((x) => ({ ...x, rps: x.achieved })),
      autocannonClosed: (d: number) => autocannon(['-c', String(pacedConns), '-d', String(d), paced]),
      clock: (d: number) => bareSocket(['--url', paced, '--rate', String(rate), '--duration', `${d}s`, '--clock-only']).then((x) => ({ ...x, rps: x.completed / d })),
    };
    type Name = keyof typeof runs;
    const names = Object.keys(runs) as Name[];
    const perName = () => Object.fromEntries(names.map((n) => [n, [] as number[]])) as Record<Name, number[]>;
    const pc = perName();
    const rps = perName();
    const ps = { engine: [], autocannon: [] } as Record<'engine' | 'autocannon', Arrivals[]>;
    for (let r = 0; r < rounds; r++) {
      for (const name of names) {
        const { cpu: perRequest, long, spread: even } = await shortAndLong(runs[name]);
        if (name === 'engine' || name === 'autocannon') ps[name].push(even);
        pc[name].push(perRequest);
        rps[name].push(long.rps);
      }
    }
    const at = (name: Name) => `CPU ${list(pc[name])} us/request at ${fmt(median(rps[name]), 0)} req/s`;
    console.log(`   same rate, both evenly spaced: ${paced.replace(target.baseUrl, '')} (answers after 10 ms; ${pacedConns} connections let a closed loop run at about ${rate} req/s and no faster)`);
    console.log(`   engine      ${at('engine')} (constant-arrival-rate); ${spreadText(ps.engine)}`);
    console.log(`   autocannon  ${at('autocannon')} (-R ${rate}, paced by the answer); ${spreadText(ps.autocannon)}`);
    console.log(`   clock alone CPU ${list(pc.clock)} us per due request (scripts/bare-socket-load.ts --clock-only: the 1 ms timer that even spacing needs, nothing sent; a closed loop needs none, it sends when an answer arrives)`);
    console.log(`   ratio CPU per request engine/autocannon ${fmt(ratio(pc.engine, pc.autocannon), 3)}x (goal <= 1.0)`);
    console.log(`   both closed (${pacedConns} VUs / connections, no rate cap): engine ${at('engineClosed')}, autocannon ${at('autocannonClosed')}: engine/autocannon ${fmt(ratio(pc.engineClosed, pc.autocannonClosed), 3)}x (the generators' own cost per request at this load, without the open model's clock)\n`);
  }

  console.log('3. p50 agreement (median of rounds)');
  const p50 = (runs: { p50: number }[]) => median(runs.map((x) => x.p50));
  console.log(`   at ${conns} connections, saturating: engine/wrk ${t.wrk.length ? `${fmt(p50(t.engine) / p50(t.wrk), 3)}x` : 'n/a'}   engine/hey ${t.hey.length ? `${fmt(p50(t.engine) / p50(t.hey), 3)}x` : 'n/a'} (there p50 = connections / each tool's own throughput: not a test of agreement; autocannon reports whole milliseconds only)`);
  if (peers.wrk) {
    const light: Record<'engine' | 'wrk', number[]> = { engine: [], wrk: [] };
    for (let r = 0; r < rounds; r++) {
      light.engine.push((await engine(['--url', url, '--vus', '1', '--connections', '1', '--duration', `${shortSeconds * 2}s`])).latency.p50);
      light.wrk.push((await wrk(url, 1, shortSeconds * 2)).p50);
    }
    console.log(`   at 1 connection (round-trip time): engine ${list(light.engine, 3)} ms, wrk ${list(light.wrk, 3)} ms: engine/wrk ${fmt(median(light.engine) / median(light.wrk), 3)}x (hey prints 0.1 ms steps: too coarse here)`);
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
    console.log(`   at ${few} connections to a 5 ms answer (same load for every tool): engine ${list(same.engine, 3)} ms, wrk ${list(same.wrk, 3)} ms, hey ${list(same.hey, 3)} ms: ` +
      `engine/wrk ${fmt(ratio(same.engine, same.wrk), 3)}x   engine/hey ${fmt(ratio(same.engine, same.hey), 3)}x (goal within 10%)`);
  }
  if (withK6) {
    console.log(`   at ${rate} req/s evenly spaced (same load, not saturating): engine service time ${list(sameLoadP50.engine, 3)} ms, k6 http_req_duration ${list(sameLoadP50.k6, 3)} ms: engine/k6 ${fmt(ratio(sameLoadP50.engine, sameLoadP50.k6), 3)}x`);
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
