import { expect } from 'vitest';
import type { RunResult } from '../engine/result.ts';
import { checkSlo, formatChecks, type Slo } from './slo.ts';

declare module 'vitest' {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars -- must repeat Vitest's type parameters to merge
  interface Matchers<R extends void | Promise<void> = void | Promise<void>, T = unknown> {
    /** Passes when every budget holds; the message shows target, measured value and margin of each. */
    toMeetSlo(slo: Slo): R;
  }
}

expect.extend({
  toMeetSlo(received: RunResult, slo: Slo) {
    const checks = checkSlo(received, slo);
    const pass = checks.length > 0 && checks.every((c) => c.pass);
    const table = formatChecks(checks);
    return {
      pass,
      message: () => pass
        ? `expected "${received.scenario}" to miss its SLO, but every budget held:\n${table}`
        : `"${received.scenario}" missed its SLO${checks.length === 0 ? ' (no budget was given)' : ''}:\n${table}\n` +
          `(${received.counts.completed} completed, ${received.counts.dropped} dropped, errors ${JSON.stringify(received.errors)})`,
    };
  },
});
