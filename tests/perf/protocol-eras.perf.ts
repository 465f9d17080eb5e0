// MCP 2026-07-28 against 2025-era sessions on the same gateway: what the stateless revision costs or saves per
// call. The same closed-loop tools/call load on two ways of calling, in alternating rounds on one stack (the
// regression gate's machinery), each metric with its paired 95% interval and the smallest change it could have
// shown. A finding whichever way it falls; a gateway that refuses a revision is reported as such and the comparison
// skipped. What the gateway does with sessions (ContextForge keeps none unless USE_STATEFUL_SESSIONS=true) is
// probed and named.
import { describe, expect, it } from 'vitest';
import { armName, armRefused, compareArms, sessionModeNote, type EraArm } from '../support/protocol-eras.ts';
import { NO_GATEWAY, reportNote, stack, timeCall } from '../support/perf-case.ts';
import { byProfile } from '../support/shared/profile.ts';

const info = stack();
const gateway = info.gateway;

const stateless: EraArm = { protocol: '2026-07-28', session: 'per-vu' };
const reused: EraArm = { protocol: '2025-06-18', session: 'per-vu' };
const churned: EraArm = { protocol: '2025-06-18', session: 'per-iteration' };

// Smoke compares the stateless revision with a reused session, and list caching; pr and nightly add session churn.
const sessionArms = byProfile({ smoke: [reused], pr: [reused, churned], nightly: [reused, churned] });
const pairs = byProfile({ smoke: 6, pr: 8, nightly: 12 });
const phaseSeconds = byProfile({ smoke: 3, pr: 6, nightly: 20 });

describe.skipIf(!gateway)(`MCP revisions side by side: 2026-07-28 stateless against 2025-era sessions${gateway ? '' : ` (skipped: ${NO_GATEWAY(info)})`}`, () => {
  for (const base of sessionArms) {
    it(`tools/call, closed loop of 4 VUs: ${armName(stateless)} against ${armName(base)}`, async ({ skip }) => {
      const gw = gateway!;
      const call = timeCall(gw);
      const refused = (await armRefused(gw, base, call)) ?? (await armRefused(gw, stateless, call));
      if (refused) {
        reportNote(`finding: ${refused}; nothing to compare`);
        return skip(refused);
      }
      reportNote(await sessionModeNote(gw, base.protocol));
      const outcome = await compareArms(info, base, stateless, {
        name: `protocol eras: ${armName(stateless)} vs ${armName(base)}`,
        pairs, initialWarmupSeconds: 3, call,
        scenario: { name: `eras tools/call (${phaseSeconds} s, 4 VUs)`, executor: 'constant-vus', vus: 4, duration: `${phaseSeconds}s`, timeout: '30s' },
      });
      // A comparison, not a gate: either arm may win. It fails when the stateless arm fails more calls than the
      // session arm (its error-rate test), or when the load generator set the pace (INVALID).
      expect(outcome).toPassAbGate();
    });
  }

  // Lists a 2026-07-28 client may cache: an agent that lists the tools before each call, against one that keeps the
  // list for the ttlMs the gateway answered. What the gateway saves when its clients honour the TTL.
  it('an agent step on 2026-07-28 (tools/list, then tools/call): the list kept for its ttlMs against listed every step', async ({ skip }) => {
    const gw = gateway!;
    const call = timeCall(gw);
    const always: EraArm = { ...stateless, listFirst: 'always' };
    const cached: EraArm = { ...stateless, listFirst: 'cached' };
    const refused = await armRefused(gw, always, call);
    if (refused) {
      reportNote(`finding: ${refused}; nothing to compare`);
      return skip(refused);
    }
    const outcome = await compareArms(info, always, cached, {
      name: `protocol eras: ${armName(cached)} vs ${armName(always)}`,
      pairs, initialWarmupSeconds: 3, call,
      scenario: { name: `eras agent step (${phaseSeconds} s, 4 VUs)`, executor: 'constant-vus', vus: 4, duration: `${phaseSeconds}s`, timeout: '30s' },
    });
    expect(outcome).toPassAbGate();
  });
});
