import { readFileSync } from 'node:fs';
import type { MonitorRecord } from '../shared/case-record.ts';

/** Jiffies of the whole machine since boot, from /proc/stat's first line, and how many CPUs it sums. */
export interface CpuTimes { busy: number; steal: number; total: number; cpus: number }

/** The machine's CPU times, or undefined where there is no readable /proc/stat (not Linux). */
export function readCpuTimes(text?: string): CpuTimes | undefined {
  let lines: string[];
  try {
    lines = (text ?? readFileSync('/proc/stat', 'utf8')).split('\n');
  } catch {
    return undefined;
  }
  const line = lines[0];
  if (!line?.startsWith('cpu ')) return undefined;
  // user nice system idle iowait irq softirq steal (guest time is already inside user and nice)
  const [user, nice, system, idle, iowait, irq, softirq, steal = 0] = line.trim().split(/\s+/).slice(1, 9).map(Number);
  if ([user, nice, system, idle, iowait, irq, softirq].some((x) => x === undefined || !Number.isFinite(x))) return undefined;
  const busy = user! + nice! + system! + irq! + softirq!;
  const cpus = lines.filter((l) => /^cpu\d+ /.test(l)).length;
  return { busy, steal, total: busy + idle! + iowait! + steal, cpus: cpus || 1 };
}

/**
 * What the rest of the machine took between two readings, in % of one core: `steal`, the CPU the hypervisor gave
 * to other machines while ours wanted it, and `others`, busy CPU that neither the measured targets (`accountedPercent`,
 * the containers or processes sampled) nor this process (the load generator and its threads, `selfPercent`) used.
 */
export function machineShare(before: CpuTimes, after: CpuTimes, accountedPercent: number, selfPercent: number): { stealPercent: number; othersPercent: number } | undefined {
  const total = after.total - before.total;
  if (!(total > 0)) return undefined;
  const percent = (jiffies: number) => (jiffies / total) * after.cpus * 100;
  return {
    stealPercent: Math.max(0, percent(after.steal - before.steal)),
    othersPercent: Math.max(0, percent(after.busy - before.busy) - accountedPercent - selfPercent),
  };
}

/** CPU (% of one core) the rest of the machine may take during a phase, on average, before its figures are flagged. */
export const BUSY_MACHINE_PERCENT = 30;

/**
 * The rest of the machine over a phase (the means of its samples, 3 at least), and whether it passed
 * BUSY_MACHINE_PERCENT; undefined where it was not sampled.
 */
export function restOfMachine(monitor: Pick<MonitorRecord, 'machine'> | undefined): { stealPercent: number; othersPercent: number; busy: boolean } | undefined {
  const samples = monitor?.machine ?? [];
  if (samples.length < 3) return undefined;
  const mean = (k: 'stealPercent' | 'othersPercent') => samples.reduce((a, s) => a + s[k], 0) / samples.length;
  const [stealPercent, othersPercent] = [mean('stealPercent'), mean('othersPercent')];
  return { stealPercent, othersPercent, busy: stealPercent + othersPercent >= BUSY_MACHINE_PERCENT };
}

/** One line on a busy machine for a phase's verdict, or '' when it was quiet or not sampled. */
export function busyMachineNote(monitor: Pick<MonitorRecord, 'machine'> | undefined): string {
  const rest = restOfMachine(monitor);
  if (!rest?.busy) return '';
  return `beside the stack and the load generator, the machine was busy with ${(rest.stealPercent + rest.othersPercent).toFixed(0)}% of a core on average ` +
    `(${rest.othersPercent.toFixed(0)}% other processes, ${rest.stealPercent.toFixed(0)}% stolen by the hypervisor)`;
}
