import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { poolCapacity } from '../shared/stack-info.ts';
import { PROFILE } from '../shared/profile.ts';
import { availableParallelism } from 'node:os';
import { join, relative } from 'node:path';
import type { Reporter, SerializedError, TestModule, TestCase } from 'vitest/node';
import type { CaseRecord } from '../shared/case-record.ts';
import { toHtml } from './html.ts';
import { toMarkdown, toTerminal } from './markdown.ts';
import { recommend } from './recommendations.ts';
import type { CaseReport, RunReport } from './run-report.ts';
import { runDir, type RunInfoFile } from '../shared/run-dir.ts';
import { config, outsideVariable, settingsAsGiven } from '../shared/config.ts';

/**
 * Collects every perf case's record (results, checks, monitor samples) and writes reports/<run>/:
 * results.json, summary.md, report.html; then prints a short summary.
 */
export default class PerfReporter implements Reporter {
  private startedAt = new Date();

  onInit(): void {
    this.startedAt = new Date();
  }

  onTestRunEnd(modules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<SerializedError> = []): void {
    const dir = runDir();
    mkdirSync(dir, { recursive: true });
    const cases: CaseReport[] = [];
    for (const mod of modules) {
      for (const test of mod.children.allTests() as Iterable<TestCase>) {
        const result = test.result();
        const meta = test.meta() as { mcpPerf?: CaseRecord };
        cases.push({
          name: test.fullName,
          file: relative(process.cwd(), mod.moduleId),
          state: result.state,
          durationMs: Math.round(test.diagnostic()?.duration ?? 0),
          errors: result.state === 'failed' ? result.errors.map((e) => e.message ?? String(e)) : [],
          record: meta.mcpPerf ?? null,
        });
      }
    }
    const infoPath = join(dir, 'run-info.json');
    const info: RunInfoFile | null = existsSync(infoPath) ? (JSON.parse(readFileSync(infoPath, 'utf8')) as RunInfoFile) : null;
    const report: RunReport = {
      schema: 1,
      run: {
        id: dir.split('/').pop() ?? 'run', profile: PROFILE, startedAt: this.startedAt.toISOString(), finishedAt: new Date().toISOString(),
        stack: info?.stack ?? null, calibrationP50: info?.calibrationP50 ?? null,
        environment: { cpus: availableParallelism(), node: process.version, platform: `${process.platform} ${process.arch}` },
        settings: settingsAsGiven(config()),
        ...(info?.ab ? { ab: info.ab.describe } : {}),
        // A stack that failed to start leaves no case failed: without these the run would read "all cases passed".
        ...(unhandledErrors.length ? { errors: unhandledErrors.map((e) => e.message ?? String(e)) } : {}),
      },
      cases,
      recommendations: recommend(cases, info?.stack?.gateway?.workers ?? 1, poolCapacity(info?.stack?.gateway)),
    };
    writeFileSync(join(dir, 'results.json'), `${JSON.stringify(report, null, 2)}\n`);
    writeFileSync(join(dir, 'summary.md'), toMarkdown(report));
    writeFileSync(join(dir, 'report.html'), toHtml(report));
    const summary = outsideVariable('GITHUB_STEP_SUMMARY');
    if (summary) writeFileSync(summary, toMarkdown(report), { flag: 'a' });
    console.log(toTerminal(report, relative(process.cwd(), dir)));
  }
}

