// The floor for an open-model generator in Node on this machine: keep-alive sockets that write one fixed
// GET at evenly spaced moments (a timer each millisecond, like the engine's scheduler) and count the
// answers, with no parsing, no timing and no histograms. The engine benchmark compares the engine's CPU
// per request with it. Prints one JSON line: completed answers and this process's CPU time.
// With --clock-only it opens no socket and sends nothing: the timer alone, which is what spacing requests
// evenly costs before any request is made ("completed" then counts the moments a request was due).
//   node scripts/bare-socket-load.ts --url URL --rate R --duration 10s [--connections 64] [--clock-only]
import { connect, type Socket } from 'node:net';
import { parseDuration } from '../tests/support/engine/duration.ts';
import { parseCli, refuse } from './cli.ts';

const USAGE = 'usage: node scripts/bare-socket-load.ts --url URL --rate R --duration 10s [--connections 64] [--clock-only]';
const { values: a } = parseCli('bare-socket-load', { url: { type: 'string' }, rate: { type: 'string' }, duration: { type: 'string', default: '10s' }, connections: { type: 'string', default: '64' }, 'clock-only': { type: 'boolean', default: false } }, USAGE);
if (!a.url || !a.rate) refuse('bare-socket-load', `--url and --rate are required; ${USAGE}`);
const url = new URL(a.url);
const rate = Number(a.rate);
const durationMs = parseDuration(a.duration);
const request = Buffer.from(`GET ${url.pathname}${url.search} HTTP/1.1\r\nhost: ${url.host}\r\n\r\n`);
const STATUS_LINE = Buffer.from('HTTP/1.1 ');

let completed = 0;
let unanswered = 0;
const free: Socket[] = [];
const sockets: Socket[] = [];
const clockOnly = a['clock-only'];
for (let i = 0; i < (clockOnly ? 0 : Number(a.connections)); i++) {
  const socket = connect({ host: url.hostname, port: Number(url.port), noDelay: true });
  socket.on('data', (chunk: Buffer) => {
    for (let at = chunk.indexOf(STATUS_LINE); at >= 0; at = chunk.indexOf(STATUS_LINE, at + 1)) completed++;
    free.push(socket);
  });
  socket.on('error', (error) => {
    console.error(`bare-socket-load: ${error.message}`);
    process.exit(1);
  });
  sockets.push(socket);
  free.push(socket);
}
await new Promise((resolve) => setTimeout(resolve, 200));

const cpu0 = process.cpuUsage();
const start = performance.now();
let sent = 0;
await new Promise<void>((resolve) => {
  const tick = () => {
    const elapsed = performance.now() - start;
    const due = Math.min(Math.floor((elapsed * rate) / 1000), Math.floor((durationMs * rate) / 1000));
    if (clockOnly) {
      completed += due - sent;
      sent = due;
    }
    for (; sent < due; sent++) {
      const socket = free.pop();
      if (socket) socket.write(request);
      else unanswered++;
    }
    if (elapsed < durationMs) setTimeout(tick, 1);
    else setTimeout(resolve, 200);
  };
  tick();
});
const cpu = process.cpuUsage(cpu0);
console.log(JSON.stringify({ completed, skipped: unanswered, cpuMicros: cpu.user + cpu.system }));
for (const socket of sockets) socket.destroy();
