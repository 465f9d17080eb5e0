import { leastSquares, slopeSeAutocorrelated } from '../tests/support/shared/statistics.ts';
function mulberry32(seed: number) { let a = seed; return () => { a = (a + 0x6d2b79f5) | 0; let t = Math.imul(a ^ (a >>> 15), 1 | a); t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t; return ((t ^ (t >>> 14)) >>> 0) / 4294967296; }; }
const wandering = (n: number, rho: number, seed: number, leak = 0) => { const r = mulberry32(seed); let e = 0; return Array.from({ length: n }, (_, t) => { e = rho * e + Math.sqrt(-2 * Math.log(r() || 1e-12)) * Math.cos(2 * Math.PI * r()); return { t, memoryMB: 600 + e + leak / 3600 * t + (process.env.W ? 60 * (1 - Math.exp(-t / 300)) : 0) }; }); };
function sseOf(xs: number[], ys: number[]) { const f = leastSquares(xs, ys); let s = 0; for (let i = 0; i < xs.length; i++) s += (ys[i]! - (f.intercept + f.slope * xs[i]!)) ** 2; return s; }
const n = Number(process.env.N ?? 7200); const rho = Number(process.env.RHO ?? 0.9);
const zs: number[] = [];
for (let seed = 1; seed <= Number(process.env.RUNS ?? 100); seed++) {
  const p = wandering(n, rho, seed); const ts = p.map((x) => x.t); const ys = p.map((x) => x.memoryMB);
  const minPart = Math.max(10, Math.ceil(n * Number(process.env.MINP ?? 0.02))); const step = Math.max(1, Math.floor(n / 200));
  let best = { k: 0, sse: Infinity };
  for (let k = minPart; k <= n / 2; k += step) { const s = sseOf(ts.slice(0, k), ys.slice(0, k)) + sseOf(ts.slice(k), ys.slice(k)); if (s < best.sse) best = { k, sse: s }; }
  const a = leastSquares(ts.slice(0, best.k), ys.slice(0, best.k)); const b = leastSquares(ts.slice(best.k), ys.slice(best.k));
  const sa = slopeSeAutocorrelated(ts.slice(0, best.k), ys.slice(0, best.k), a).se; const sb = slopeSeAutocorrelated(ts.slice(best.k), ys.slice(best.k), b).se;
  zs.push((a.slope - b.slope) / Math.hypot(sa, sb));
}
zs.sort((x, y) => x - y);
const q = (p: number) => zs[Math.floor(p * (zs.length - 1))]!.toFixed(2);
console.log(`n ${n} rho ${rho} W ${process.env.W ?? ''}: z quantiles 50% ${q(0.5)} 90% ${q(0.9)} 95% ${q(0.95)} 99% ${q(0.99)} max ${q(1)}`);
