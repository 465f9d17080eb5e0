/** The gunicorn settings ContextForge's run-gunicorn.sh prints at start ("📊  Gunicorn Configuration:" and after). */
export interface GunicornSettings {
  workers: number;
  timeoutS: number;
  maxRequests: number;
  maxRequestsJitter: number;
  preload: boolean;
}

const field = (log: string, label: string): string | undefined => new RegExp(`^\\s*${label}:\\s*(.+?)\\s*$`, 'm').exec(log)?.[1];

/** The settings the entrypoint printed, or undefined when the log has no such block (another entrypoint). */
export function parseGunicornSettings(log: string): GunicornSettings | undefined {
  const at = log.indexOf('Gunicorn Configuration:');
  if (at < 0) return undefined;
  const block = log.slice(at);
  const workers = Number(field(block, 'Workers'));
  const timeoutS = Number(field(block, 'Timeout')?.replace(/s$/, ''));
  const max = /^(\d+)\s*\(±(\d+)\)/.exec(field(block, 'Max Requests') ?? '');
  const preload = field(block, 'Preload App');
  if (!Number.isInteger(workers) || !Number.isFinite(timeoutS) || !max || (preload !== 'true' && preload !== 'false')) return undefined;
  return { workers, timeoutS, maxRequests: Number(max[1]), maxRequestsJitter: Number(max[2]), preload: preload === 'true' };
}

export function describeGunicornSettings(s: GunicornSettings | undefined): string {
  if (!s) return 'not printed by the image (not ContextForge\'s run-gunicorn.sh): workers, recycling and preload unknown';
  return `workers ${s.workers}, timeout ${s.timeoutS} s, max requests ${s.maxRequests === 0 ? '0 (workers never recycled)' : `${s.maxRequests} ±${s.maxRequestsJitter}`}, preload ${s.preload}`;
}

/** What makes a measurement unfair or different from what was asked, one sentence each. */
export function gunicornSettingProblems(s: GunicornSettings | undefined, expected: { workers: number }): string[] {
  if (!s) return [];
  const problems: string[] = [];
  if (s.workers !== expected.workers) problems.push(`the gateway runs ${s.workers} workers, ${expected.workers} were asked for`);
  if (s.maxRequests > 0) {
    problems.push(`workers restart every ${s.maxRequests} requests (GUNICORN_MAX_REQUESTS): long runs see cut streams and a memory sawtooth`);
  }
  return problems;
}
