import { describe, expect, it } from 'vitest';
import { busyMachineNote, machineShare, readCpuTimes, restOfMachine } from '../support/monitor/machine-meter.ts';

const stat = (user: number, idle: number, steal: number) =>
  `cpu  ${user} 0 0 ${idle} 0 0 0 ${steal} 0 0\ncpu0 1 0 0 1 0 0 0 0 0 0\ncpu1 1 0 0 1 0 0 0 0 0 0\nintr 1\n`;

describe('the rest of the machine, from /proc/stat', () => {
  it('reads busy, stolen and total jiffies and the CPUs they sum', () => {
    expect(readCpuTimes(stat(100, 50, 10))).toEqual({ busy: 100, steal: 10, total: 160, cpus: 2 });
    expect(readCpuTimes('intr 1\n')).toBeUndefined();
    expect(readCpuTimes('cpu  x y\n')).toBeUndefined();
  });

  it('leaves what the stack and the load generator used out of "others", in % of one core', () => {
    // 1 s on 2 CPUs (200 jiffies): 150 busy of which the stack took 80% of a core and the generator 20%, 20 stolen.
    const share = machineShare(readCpuTimes(stat(0, 0, 0))!, readCpuTimes(stat(150, 30, 20))!, 80, 20);
    expect(share).toEqual({ stealPercent: 20, othersPercent: 50 });
    expect(machineShare(readCpuTimes(stat(0, 0, 0))!, readCpuTimes(stat(50, 150, 0))!, 80, 20)).toEqual({ stealPercent: 0, othersPercent: 0 });
    expect(machineShare(readCpuTimes(stat(5, 5, 0))!, readCpuTimes(stat(5, 5, 0))!, 0, 0)).toBeUndefined();
  });

  it('calls a phase busy from a third of a core taken on average over 3 samples or more, and says by whom', () => {
    const of = (othersPercent: number, stealPercent: number, n = 10) => ({ machine: Array.from({ length: n }, (_, t) => ({ t, othersPercent, stealPercent })) });
    expect(restOfMachine(of(20, 5))).toEqual({ othersPercent: 20, stealPercent: 5, busy: false });
    expect(restOfMachine(of(20, 10))?.busy).toBe(true);
    expect(restOfMachine(of(200, 0, 2))).toBeUndefined();
    expect(restOfMachine(undefined)).toBeUndefined();
    expect(busyMachineNote(of(20, 5))).toBe('');
    expect(busyMachineNote(of(96, 4))).toBe('beside the stack and the load generator, the machine was busy with 100% of a core on average (96% other processes, 4% stolen by the hypervisor)');
  });

  it('reads this machine\'s own /proc/stat where there is one', () => {
    const times = readCpuTimes();
    if (process.platform === 'linux') expect(times!.total).toBeGreaterThan(0);
    else expect(times).toBeUndefined();
  });
});
