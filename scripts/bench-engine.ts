// Engine benchmark: the engine against autocannon (npm) and wrk / hey (Debian packages) on one trivial
// loopback target, in the same run, each generator in its own process. Prints figures and ratios; it
// judges nothing (this machine is noisy: compare ratios, rerun before concluding).
//   npm run bench:engine [-- --seconds 10 --connections 64 --rate 5000 --requests 1000000]
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { startHttpTarget } from '../tests/support/stack/http-target.ts';
import { runCleanups } from '../tests/support/stack/cleanup.ts';

const { values: o } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' }, connections: { type: 'string', default: '64' },
    rate: { type: 'string', default: '5000' }, requests: { type: 'string', default: '1000000' },
    'skip-heap': { type: 'boolean', default: false },
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
    completed: number; achieved: number; latency: { p50: number; p99: number }; lag: { p99: number }; heapAfterWarmup?: number; heapEnd?: number; dropped: number; errors: Record<string, number>;
  };
  return { ...json, cpuSeconds: run.cpuSeconds };
};

const autocannon = async (args: string[]) => {
  const run = await measured(bin('autocannon'), ['-j', ...args]);
  const j = JSON.parse(run.stdout.slice(run.stdout.indexOf('{'))) as { requests: { total: number; average: number }; latency: { p50: number }; duration: number; errors: number; non2xx: number };
  return { rps: j.requests.total / j.duration, p50: j.latency.p50, total: j.requests.total, errors: j.errors + j.non2xx, cpuSeconds: run.cpuSeconds };
};

const wrk = async (url: string) => {
  const run = await measured('wrk', ['-t1', `-c${conns}`, `-d${seconds}s`, '--latency', url]);
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(run.stdout)?.[1]);
  const p50text = /50%\s+([\d.]+)(us|ms|s)/.exec(run.stdout);
  const p50 = p50text ? Number(p50text[1]) * ({ us: 0.001, ms: 1, s: 1000 }[p50text[2] as 'us' | 'ms' | 's']) : Number.NaN;
  return { rps, p50, cpuSeconds: run.cpuSeconds };
};

const hey = async (url: string) => {
  const run = await measured('hey', ['-z', `${seconds}s`, '-c', String(conns), url]);
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(run.stdout)?.[1]);
  const p50 = Number(/50%\s+in\s+([\d.]+)\s+secs/.exec(run.stdout)?.[1]) * 1000;
  return { rps, p50, cpuSeconds: run.cpuSeconds };
};

const fmt = (n: number, d = 1) => (Number.isFinite(n) ? n.toFixed(d) : 'n/a');
const ratio = (a: number, b: number) => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? `${(a / b).toFixed(3)}x` : 'n/a');

const peers = ensurePeers();
const target = await startHttpTarget();
const url = `${target.baseUrl}/ok`;
try {
  console.log(`target ${url} (Node http, own process); ${conns} connections; ${seconds}s per run; node ${process.version}\n`);

  console.log(`1. maximum throughput, closed model (${conns} connections)`);
  const e1 = await engine(['--url', url, '--vus', String(conns), '--connections', String(conns), '--duration', `${seconds}s`]);
  const a1 = await autocannon(['-c', String(conns), '-d', String(seconds), url]);
  const w1 = peers.wrk ? await wrk(url) : undefined;
  const h1 = peers.hey ? await hey(url) : undefined;
  console.log(`   engine      ${fmt(e1.achieved)} req/s  p50 ${fmt(e1.latency.p50, 3)} ms`);
  console.log(`   autocannon  ${fmt(a1.rps)} req/s  p50 ${fmt(a1.p50, 3)} ms (whole ms)`);
  if (w1) console.log(`   wrk         ${fmt(w1.rps)} req/s  p50 ${fmt(w1.p50, 3)} ms`);
  if (h1) console.log(`   hey         ${fmt(h1.rps)} req/s  p50 ${fmt(h1.p50, 3)} ms`);
  console.log(`   ratio engine/autocannon ${ratio(e1.achieved, a1.rps)} (goal >= 1.0)   engine/wrk ${w1 ? ratio(e1.achieved, w1.rps) : 'n/a'} (goal >= 0.9)\n`);

  console.log(`2. fixed rate ${rate} req/s`);
  const e2 = await engine(['--url', url, '--rate', String(rate), '--connections', String(conns), '--duration', `${seconds}s`]);
  const a2 = await autocannon(['-c', String(conns), '-d', String(seconds), '-R', String(rate), url]);
  const eCpu = (e2.cpuSeconds * 1e6) / e2.completed;
  const aCpu = (a2.cpuSeconds * 1e6) / a2.total;
  console.log(`   engine      achieved ${fmt(e2.achieved)} req/s (${ratio(e2.achieved, rate)} of target, goal within 1%), dropped ${e2.dropped}, scheduler lag p99 ${fmt(e2.lag.p99, 3)} ms (goal < 2 ms), CPU ${fmt(eCpu, 2)} us/request`);
  console.log(`   autocannon  achieved ${fmt(a2.rps)} req/s, CPU ${fmt(aCpu, 2)} us/request`);
  console.log(`   ratio CPU per request engine/autocannon ${ratio(eCpu, aCpu)} (goal <= 1.0)\n`);

  console.log('3. p50 agreement at the same closed load');
  console.log(`   engine/wrk ${w1 ? ratio(e1.latency.p50, w1.p50) : 'n/a'}   engine/hey ${h1 ? ratio(e1.latency.p50, h1.p50) : 'n/a'} (goal within 10%: 0.9x to 1.1x)\n`);

  if (!o['skip-heap']) {
    console.log(`4. engine heap growth over ${o.requests} requests`);
    const e4 = await engine(['--url', url, '--vus', String(conns), '--connections', String(conns), '--iterations', String(o.requests), '--heap']);
    const growth = ((e4.heapEnd ?? 0) - (e4.heapAfterWarmup ?? 0)) / 1024 / 1024;
    console.log(`   ${e4.completed} requests at ${fmt(e4.achieved)} req/s; heap after 10% ${fmt((e4.heapAfterWarmup ?? 0) / 1048576, 2)} MB, at the end ${fmt((e4.heapEnd ?? 0) / 1048576, 2)} MB: growth ${fmt(growth, 2)} MB (goal < 5 MB)`);
  }
} finally {
  await target.process.stop();
  await runCleanups();
}
