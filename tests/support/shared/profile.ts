import { config } from './config.ts';
import type { ProfileName } from './profiles.ts';

export { isProfile, PROFILES, type ProfileName } from './profiles.ts';

/** The profile of this run: smoke (seconds per case), pr, nightly (the plan's figures), soak (hours). */
export const PROFILE: ProfileName = config().PERF_PROFILE;

/**
 * A value per profile, written where the case is, so the test plan reads in one place.
 * soak falls back to nightly, pr to smoke when not given.
 */
export function byProfile<T>(values: { smoke: T; pr?: T; nightly: T; soak?: T }): T {
  switch (PROFILE) {
    case 'smoke': return values.smoke;
    case 'pr': return values.pr ?? values.smoke;
    case 'nightly': return values.nightly;
    case 'soak': return values.soak ?? values.nightly;
  }
}
