import { leastSquares } from '../shared/statistics.ts';
import type { Level } from './knee-search.ts';

export interface Sizing {
  /** Gateway CPU (% of one core) per 100 req/s: slope of a least-squares fit over the sustainable levels. */
  cpuPercentPer100: number;
  /** Gateway memory: fixed part (MB) and MB per 100 req/s from the same fit. */
  memoryBaseMB: number;
  memoryMBPer100: number;
  /** Levels the fit used. */
  levels: number;
  text: string;
}

/**
 * Resource sizing from a stress run's table: what 100 req/s cost the gateway in CPU and memory, fitted
 * over the levels that met the SLO (past the knee, queues distort both). Needs the levels' extra
 * `gatewayCpuPercent` and `gatewayMemoryMB`; undefined when fewer than two sustainable levels have them.
 */
export function sizingFromLevels(levels: Level[]): Sizing | undefined {
  const usable = levels.filter((l) => l.pass && Number.isFinite(l.extra.gatewayCpuPercent) && Number.isFinite(l.extra.gatewayMemoryMB));
  if (usable.length < 2) return undefined;
  const rates = usable.map((l) => l.achieved);
  const cpu = leastSquares(rates, usable.map((l) => l.extra.gatewayCpuPercent!));
  const mem = leastSquares(rates, usable.map((l) => l.extra.gatewayMemoryMB!));
  const cpuPercentPer100 = +(cpu.slope * 100).toFixed(1);
  const memoryMBPer100 = +(mem.slope * 100).toFixed(1);
  const memoryBaseMB = +mem.intercept.toFixed(0);
  return {
    cpuPercentPer100, memoryMBPer100, memoryBaseMB, levels: usable.length,
    text: `gateway sizing from ${usable.length} sustainable levels: ${cpuPercentPer100}% of a core (${(cpuPercentPer100 / 100).toFixed(2)} cores) per 100 req/s; ` +
      `memory ${memoryBaseMB} MB ${memoryMBPer100 < 0 ? '-' : '+'} ${Math.abs(memoryMBPer100)} MB per 100 req/s`,
  };
}
