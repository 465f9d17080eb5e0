// The profiles' names alone (no environment read), so the settings catalogue can name them without a cycle.
export type ProfileName = 'smoke' | 'pr' | 'nightly' | 'soak';
export const PROFILES: readonly ProfileName[] = ['smoke', 'pr', 'nightly', 'soak'];

export const isProfile = (name: string): name is ProfileName => (PROFILES as readonly string[]).includes(name);
