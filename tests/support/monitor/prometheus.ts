import type { MetricsDelta } from '../shared/case-record.ts';
/** Totals per metric family from a Prometheus text exposition (labels summed away). */
export function parsePrometheus(text: string): Map<string, number> {
  const totals = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (!m) continue;
    const value = Number(m[3]);
    if (!Number.isFinite(value)) continue;
    totals.set(m[1]!, (totals.get(m[1]!) ?? 0) + value);
  }
  return totals;
}


const COUNTER = /(_total|_count|_sum|_created)$/;

export function diffMetrics(before: Map<string, number>, after: Map<string, number>, limit = 40): MetricsDelta {
  const counters = [...after]
    .filter(([k]) => COUNTER.test(k) && !k.endsWith('_created'))
    .map(([k, v]): [string, number] => [k, v - (before.get(k) ?? 0)])
    .filter(([, d]) => d !== 0)
    .sort((a, b) => Math.abs(b[1]) - Math.abs(a[1]))
    .slice(0, limit);
  const gauges = [...after].filter(([k]) => !COUNTER.test(k) && !/_bucket$/.test(k)).slice(0, limit);
  return { families: after.size, counters: Object.fromEntries(counters), gauges: Object.fromEntries(gauges) };
}

/** GET the gateway's metrics with its token; undefined with the reason when it cannot be had. */
export async function scrape(url: string, token: string): Promise<{ metrics?: Map<string, number>; error?: string }> {
  try {
    const res = await fetch(url, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(10_000) });
    if (!res.ok) return { error: `${url} answered ${res.status}` };
    return { metrics: parsePrometheus(await res.text()) };
  } catch (error) {
    return { error: `${url}: ${(error as Error).message}` };
  }
}
