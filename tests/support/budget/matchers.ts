import { expect, inject } from 'vitest';
import type { RunResult } from '../engine/result.ts';
import { caseRecord, type MonitorRecord } from '../shared/case-record.ts';
import { busyMachineNote } from '../monitor/machine-meter.ts';
import { memoryGrowth } from '../monitor/memory-growth.ts';
import { PROFILE } from '../shared/profile.ts';
import { existsSync, rmSync } from 'node:fs';
import { baselinePath, operationView, otherPhaseLoad, runsApart, compareWithBaseline, currentEnvironment, readBaseline, stackDifferences, stackRebuilds, toBaseline, writeBaseline, type Baseline, type CompareOptions, type Environment } from './baseline.ts';
import { compareFigure, figurePath, holdable, otherLoad, readFigureBaseline, toFigureBaseline, writeFigureBaseline, type Figure, type FigureBaseline, type FigureCompareOptions } from './figure-baseline.ts';
import { checkSlo, formatChecks } from './slo.ts';
import { parseRatio, type Slo, type SloCheck } from '../shared/slo.ts';
import { gateInconclusive, judgedCase, type AbOutcome } from '../shared/ab-outcome.ts';
import { formatVerdicts } from './verdict-table.ts';
import { config } from '../shared/config.ts';
import { runValidity } from './validity.ts';

declare module 'vitest' {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars -- must repeat Vitest's type parameters to merge
  interface Matchers<R extends void | Promise<void> = void | Promise<void>, T = unknown> {
    /** Passes when every budget holds; the message shows target, measured value and margin of each. */
    toMeetSlo(slo: Slo): R;
    /**
     * Compares with the committed baseline of this case and profile (see README, "Budgets and baselines"):
     * a verdict with PERF_BASELINE=judge, else reported and never failing (a baseline from another machine or
     * another day cannot tell that machine's drift from a regression; the A/B gate can).
     * No baseline yet: records one and passes, saying so. PERF_BASELINE=record: always records.
     */
    toMatchBaseline(options?: CompareOptions): R;
    /**
     * The same for one headline figure of a case (a knee rate, a recovery time, a ratio), kept in
     * baselines/<profile>/[<gateway>/]figure-<name>.json: a change for the worse beyond its band is outside it.
     */
    toMatchBaselineFigure(figure: Figure, options?: FigureCompareOptions): R;
    /**
     * Judges a monitor record's memory for `target` (default the gateway) by the slope of a least-squares
     * fit and its 95% interval: fails when growth is established above maxPerHour ("10%" of the mean per hour);
     * an inconclusive verdict passes only with allowInconclusive.
     */
    toHaveBoundedMemoryGrowth(budget: { maxPerHour: string | number; target?: string; allowInconclusive?: boolean; warmup?: 'detect' | 'none' }): R;
    /**
     * Passes an A/B case's outcome when no metric regressed (its interval lies beyond the allowed change);
     * fails, saying INVALID, when a phase measured the load generator instead of the gateway.
     */
    toPassAbGate(): R;
    /**
     * Passes a run's A/B outcomes unless the gate is INCONCLUSIVE: no case found a regression and none could have
     * found one of the gate's size (gateInconclusive).
     */
    toBeConclusive(): R;
  }
}

expect.extend({
  toPassAbGate(received: AbOutcome) {
    // Two arms compared (not a gate): a metric that favours one arm is a finding; only errors can fail it.
    const regressed = received.arms ? [] : received.verdicts.filter((v) => v.status === 'regression').map((v) => v.metric);
    if (received.errors.status === 'regression') regressed.push('error rate');
    const table = `${formatVerdicts(received.verdicts, received.arms)}\n${received.errors.text}`;
    if (received.invalid.length) {
      return {
        pass: false,
        message: () => `"${received.case}" is INVALID, neither passed nor failed: in more than a quarter of its rounds the load generator, not a gateway, set the pace:\n` +
          `${received.invalid.join('\n')}\n${table}\n(is something else loading this machine? else give the load more threads, fewer VUs, or a larger runner)`,
      };
    }
    return {
      pass: regressed.length === 0,
      message: () => regressed.length
        ? `"${received.case}" REGRESSED on ${regressed.join(', ')} (head against base, ${received.verdicts[0]?.n} alternating rounds):\n${table}`
        : `expected "${received.case}" to regress, but no metric did:\n${table}`,
    };
  },
  toBeConclusive(received: AbOutcome[]) {
    const pass = !gateInconclusive(received);
    const cases = received.map((o) => `- ${o.case}: ${o.inconclusive ?? (judgedCase(o) ? 'could catch a change within the limit' : 'INVALID')}`).join('\n');
    return {
      pass,
      message: () => pass
        ? `expected the gate to be inconclusive, but a case could have caught a change of its size:\n${cases}`
        : `the gate is INCONCLUSIVE, neither passed nor failed: no case found a regression, and none could have caught one of the gate's size:\n${cases}\n` +
          '(was the machine busy or slowing down? run it again, on a quieter runner, or with more rounds: profile nightly)',
    };
  },
  toHaveBoundedMemoryGrowth(received: MonitorRecord | undefined, budget: { maxPerHour: string | number; target?: string; allowInconclusive?: boolean; warmup?: 'detect' | 'none' }) {
    const target = budget.target ?? 'gateway';
    const points = (received?.samples ?? []).filter((s) => s.target === target).map((s) => ({ t: s.t, memoryMB: s.memoryMB }));
    const g = memoryGrowth(points, parseRatio(budget.maxPerHour, 'maxPerHour'), { warmup: budget.warmup ?? 'none' });
    const warm = g.warmup
      ? `after a warm-up of ${g.warmup.seconds} s (left out: its slope ${g.warmup.beforeMBPerHour.toFixed(1)} MB/h, then ${g.warmup.afterMBPerHour.toFixed(1)}) `
      : budget.warmup === 'detect' ? '(no warm-up found in the series) ' : '';
    const text = `${target} memory over ${g.seconds} s ${warm}(${g.samples} samples, mean ${g.meanMB.toFixed(1)} MB): slope ${g.slopeMBPerHour.toFixed(1)} MB/h, ` +
      `95% interval ${g.ciMBPerHour[0].toFixed(1)} to ${g.ciMBPerHour[1].toFixed(1)} MB/h; verdict ${g.verdict}: ${g.reason}`;
    console.log(`   memory: ${text}`);
    const pass = g.verdict === 'stable' || (g.verdict === 'inconclusive' && budget.allowInconclusive === true);
    return { pass, message: () => (pass ? `expected memory growth, but ${text}` : `memory growth budget (${budget.maxPerHour}/h) not met: ${text}`) };
  },
  toMatchBaseline(whole: RunResult, options: CompareOptions = {}) {
    const received = options.operation ? operationView(whole, options.operation) : whole;
    const calibration = inject('calibration') ?? null;
    const kind = inject('stack')?.gateway?.kind;
    return againstBaseline<Baseline>({
      label: received.scenario,
      busy: [busyMachineNote(monitorOf(received)), generatorPacedNote(received)].filter(Boolean).join('; '),
      path: () => baselinePath(received.scenario, PROFILE, kind),
      otherLoad: (previous) => otherPhaseLoad(received, previous),
      read: () => readBaseline(received.scenario, PROFILE, kind),
      write: (environment, previous) => writeBaseline(toBaseline(received, PROFILE, calibration, environment, previous), kind),
      compare: (base) => {
        const cmp = compareWithBaseline(received, base, calibration, options);
        const cal = `calibration ${calibration ?? 'n/a'} ms now, ${base.calibrationP50 ?? 'n/a'} ms then${cmp.calibrationRatio === null ? '' : ` (x${cmp.calibrationRatio.toFixed(2)}: reported, not applied)`}`;
        return { pass: cmp.pass, rows: cmp.rows, detail: `${cal}${busyLine(received, '; ')}` };
      },
    });
  },
  toMatchBaselineFigure(received: number, figure: Figure, options: FigureCompareOptions = {}) {
    const kind = inject('stack')?.gateway?.kind;
    if (!holdable(received, figure)) {
      const why = `${figure.name}: ${received} ${figure.unit} is not a figure a baseline can hold (a positive number, or >= 0 with a floor), so it was neither compared nor recorded`;
      caseRecord().notes.push(why);
      console.log(`   baseline: ${why}`);
      return { pass: true, message: () => why };
    }
    (caseRecord().figures ??= []).push({ ...figure, value: received });
    return againstBaseline<FigureBaseline>({
      label: figure.name,
      // A figure comes from the case's phases so far: the first of them that ran on a busy machine speaks for it.
      busy: caseRecord().monitors.map(busyMachineNote).find(Boolean) ?? '',
      path: () => figurePath(figure.name, PROFILE, kind),
      otherLoad: (previous) => otherLoad(previous, figure.load),
      read: () => readFigureBaseline(figure, PROFILE, kind),
      write: (environment, previous) => writeFigureBaseline(toFigureBaseline(received, figure, PROFILE, environment, previous), kind),
      compare: (base) => {
        const cmp = compareFigure(received, base, options, figure.load);
        return { pass: cmp.pass, rows: [cmp.row] };
      },
    });
  },
  toMeetSlo(received: RunResult, slo: Slo) {
    const checks = checkSlo(received, slo);
    const pass = checks.length > 0 && checks.every((c) => c.pass);
    const table = formatChecks(checks);
    caseRecord().checks.push({ scenario: received.scenario, kind: 'slo', pass, rows: checks, slo });
    return {
      pass,
      message: () => pass
        ? `expected "${received.scenario}" to miss its SLO, but every budget held:\n${table}`
        : `"${received.scenario}" missed its SLO${checks.length === 0 ? ' (no budget was given)' : ''}:\n${table}\n` +
          `(${received.counts.completed} completed, ${received.counts.dropped} dropped, errors ${JSON.stringify(received.errors)})${busyLine(received, '\n')}`,
    };
  },
});

/** A phase run by runLoad carries its monitor record: a busy machine is said beside its verdict, after `separator`. */
function busyLine(received: RunResult, separator: string): string {
  const note = busyMachineNote(monitorOf(received));
  return note ? `${separator}BUSY MACHINE: ${note}; read the verdict with that in mind` : '';
}

/** Why the load generator, not the target, set this phase's pace ('' when it did not): its figures measured the generator. */
function generatorPacedNote(received: RunResult): string {
  const v = runValidity(received);
  return v.valid ? '' : `the load generator, not the target, set the pace (${v.reasons.join('; ')})`;
}

const monitorOf = (received: RunResult): MonitorRecord | undefined => (received as RunResult & { monitor?: MonitorRecord }).monitor;

interface RecordedBaseline {
  recordedAt: string;
  environment: Environment;
  runs?: unknown[];
}

/**
 * The flow every committed baseline follows (README, "Budgets and baselines"): PERF_BASELINE=record / add write it; a
 * missing one is recorded; otherwise the comparison is printed and kept in the report, a verdict only with
 * PERF_BASELINE=judge, and refused there when the baseline was recorded on another stack.
 */
function againstBaseline<B extends RecordedBaseline>(b: {
  label: string;
  /** Why the figures are not the target's: a busy machine (busyMachineNote), a generator that set the pace; '' when neither. */
  busy: string;
  path: () => string;
  /** Why the baseline's runs were another load than this run's; undefined when they match. */
  otherLoad: (previous: B) => string | undefined;
  read: () => B | undefined;
  write: (environment: Environment, previous?: B) => string;
  compare: (base: B) => { pass: boolean; rows: SloCheck[]; detail?: string };
}) {
  const info = inject('stack');
  const settings = config();
  const thisStack = info && { stack: info.provider, images: info.images };
  const record = (why: string, previous?: B) => {
    if (b.busy && settings.PERF_BASELINE_ALLOW_BUSY !== '1') return refuseBusy(why);
    const env = currentEnvironment({
      stack: info?.provider,
      gateway: info?.gateway ? `${info.gateway.kind} ${info.gateway.version}, ${info.gateway.workers} workers` : 'none',
      images: info?.images,
    });
    const path = b.write(env, previous);
    caseRecord().notes.push(`${why}: recorded ${path}`);
    console.log(`   baseline: ${why}: recorded ${path}`);
    return { pass: true, message: () => `expected a baseline comparison for "${b.label}", but ${why}` };
  };
  // A baseline's band is the spread between its runs: one taken while the machine was busy would set it by the noise,
  // and one from a phase the generator paced would hold the generator's figures.
  const refuseBusy = (why: string) => {
    let text = `${why}: NOT RECORDED: ${b.busy}`;
    if (settings.PERF_BASELINE === 'record') {
      // record replaces the baseline: the old one goes, so the runs PERF_BASELINE=add appends next start afresh.
      const path = b.path();
      if (existsSync(path)) {
        rmSync(path);
        text += `; its previous baseline ${path} was removed, as PERF_BASELINE=record replaces it`;
      }
    }
    text += '. Record on a quiet machine, or with PERF_BASELINE_ALLOW_BUSY=1 to record anyway';
    caseRecord().notes.push(text);
    console.log(`   baseline: ${text}`);
    return { pass: true, message: () => `expected a baseline comparison for "${b.label}", but ${text}` };
  };
  if (settings.PERF_BASELINE === 'record') return record('PERF_BASELINE=record');
  if (settings.PERF_BASELINE === 'add') {
    const previous = b.read();
    // Runs of another load or another stack would make the spread between runs measure that difference.
    const apart = previous && runsApart(previous.environment, thisStack, b.otherLoad(previous));
    if (apart) return record(`PERF_BASELINE=add (run 1: the ${previous.runs?.length ?? 1} recorded before were ${apart}, so they were dropped)`);
    return record(`PERF_BASELINE=add (run ${(previous?.runs?.length ?? 0) + 1})`, previous);
  }
  const base = b.read();
  if (!base) return record('no baseline');
  const cmp = b.compare(base);
  const judged = settings.PERF_BASELINE === 'judge';
  const otherStack = stackDifferences(base.environment, thisStack);
  const rebuilt = stackRebuilds(base.environment, thisStack);
  const refused = judged && otherStack.length > 0;
  caseRecord().checks.push({ scenario: b.label, kind: 'baseline', pass: cmp.pass && !refused, rows: cmp.rows, ...(judged ? {} : { advisory: true }) });
  const table = formatChecks(cmp.rows);
  const header = `baseline of ${base.recordedAt.slice(0, 10)}, ${base.runs?.length ?? 1} run(s) (${base.environment.cpus} CPUs, ${base.environment.gateway ?? ''})` +
    (cmp.detail ? `; ${cmp.detail}` : '') +
    (otherStack.length ? `; RECORDED ON ANOTHER STACK (${otherStack.join('; ')})` : '') +
    (rebuilt.length ? `; images rebuilt since from the same recipe: ${rebuilt.join(', ')}` : '') +
    (judged ? '' : `; ${cmp.pass ? 'within' : 'OUTSIDE'} its band, reported, not judged (PERF_BASELINE=judge on the machine that recorded it makes it a verdict)`);
  console.log(`   ${header}\n${table.replace(/^/gm, '   ')}`);
  if (otherStack.length) caseRecord().notes.push(`baseline recorded on another stack: ${otherStack.join('; ')}`);
  if (!judged) return { pass: true, message: () => `"${b.label}": ${header}` };
  if (refused) {
    return {
      pass: false,
      message: () => `"${b.label}" cannot be judged against its baseline: it was recorded on another stack, so a difference would measure the stacks, not the change:\n` +
        `${otherStack.join('\n')}\n(record one on this stack with PERF_BASELINE=record, or compare the two with the A/B gate: npm run perf:ab)`,
    };
  }
  return {
    pass: cmp.pass,
    message: () => cmp.pass
      ? `expected "${b.label}" to regress against its baseline, but it did not:\n${header}\n${table}`
      : `"${b.label}" regressed against its baseline:\n${header}\n${table}\n(if the change is intended, record a new baseline with "npm run perf:baseline" and commit it)`,
  };
}
