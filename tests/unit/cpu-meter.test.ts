import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cgroupCpuCounter } from '../support/monitor/cpu-meter.ts';

const root = mkdtempSync(join(tmpdir(), 'cgroup-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const id = 'a'.repeat(64);

describe('a container\'s CPU counter from its cgroup file', () => {
  it('reads cgroup v1 (nanoseconds) and v2 (usage_usec) under either Docker driver, and nothing where there is none', () => {
    expect(cgroupCpuCounter(id, root)).toBeUndefined();
    mkdirSync(join(root, 'cpuacct/docker', id), { recursive: true });
    writeFileSync(join(root, 'cpuacct/docker', id, 'cpuacct.usage'), '2500000000\n');
    const v1 = cgroupCpuCounter(id, root)!;
    expect(v1.read('2500000000\n')).toBe(2.5);
    rmSync(join(root, 'cpuacct'), { recursive: true });
    mkdirSync(join(root, 'system.slice', `docker-${id}.scope`), { recursive: true });
    writeFileSync(join(root, 'system.slice', `docker-${id}.scope`, 'cpu.stat'), 'usage_usec 1500000\nuser_usec 1000000\n');
    const v2 = cgroupCpuCounter(id, root)!;
    expect(v2.path).toMatch(/docker-a+\.scope\/cpu\.stat$/);
    expect(v2.read('usage_usec 1500000\nuser_usec 1000000\n')).toBe(1.5);
    expect(v2.read('nothing here')).toBeNaN();
  });
});
