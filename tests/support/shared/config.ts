// The one place the suite reads its environment (eslint.config.js refuses process.env anywhere else): its own
// settings by name, each checked against the catalogue (settings.ts), variables it does not own by name, and the
// whole environment for what child processes inherit and for checking every setting at once.
import { isCatalogued } from './settings.ts';

/** A catalogued setting's value as set (undefined when unset); a name missing from the catalogue is a bug, refused. */
export function setting(name: string): string | undefined {
  if (!isCatalogued(name)) throw new Error(`${name} is not in the settings catalogue (tests/support/shared/settings.ts): add it there, with what it does, before reading it`);
  return process.env[name];
}

/** A variable the suite does not own and does not document: CI, GITHUB_STEP_SUMMARY, DOCKER_HOST, TESTCONTAINERS_*, K6_BIN, PATH. */
export function outsideVariable(name: string): string | undefined {
  return process.env[name];
}

/** Sets a variable for this process and the ones it starts (testcontainers reads its own settings from here). */
export function setVariable(name: string, value: string): void {
  process.env[name] = value;
}

/** The whole environment: what child processes inherit, and what the catalogue checks all at once. */
export function environment(): NodeJS.ProcessEnv {
  return process.env;
}
