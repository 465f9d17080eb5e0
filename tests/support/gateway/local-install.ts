// A gateway run as a local process (PERF_STACK=local) from a Python virtualenv of its pinned release: where the
// virtualenv is, what npm run setup:local installs in it (scripts/gateway-locals.ts reads the same), and whether it
// is there. One description per adapter, so that setting up a machine iterates over the adapters.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Config, TextSetting } from '../shared/config.ts';

export interface LocalInstall {
  /** The setting that puts the virtualenv elsewhere, and its folder under the project by default. */
  venvSetting: TextSetting;
  defaultVenv: string;
  /** The oldest Python it runs on ("3.12"); unset: any python3. */
  minPython?: string;
  /** What pip installs, its pinned release included. */
  packages: string[];
  /** The program in the virtualenv's bin/ that starts it. */
  executable: string;
  /** A Python statement that runs only in a complete install, and the environment it needs. */
  check: string;
  checkEnv?: Record<string, string>;
}

/** The virtualenv's folder on this machine. */
export function venvDir(spec: LocalInstall, settings: Config, cwd = process.cwd()): string {
  return settings[spec.venvSetting] || join(cwd, spec.defaultVenv);
}

/** GatewayAdapter.local from its install: the executable when the virtualenv has it, and how to get it. */
export function localFromVenv(title: string, spec: LocalInstall) {
  return (settings: Config): { executable?: string; install: string } => {
    const venv = venvDir(spec, settings);
    const executable = join(venv, 'bin', spec.executable);
    const python = spec.minPython ? `python${spec.minPython}` : 'python3';
    return {
      executable: existsSync(executable) ? executable : undefined,
      install: `${title} in a Python${spec.minPython ? ` >= ${spec.minPython}` : ''} virtualenv at ${venv} (npm run setup:local; or ${python} -m venv ${venv} && ` +
        `${venv}/bin/pip install ${spec.packages.map((p) => `"${p}"`).join(' ')}; or set ${spec.venvSetting})`,
    };
  };
}
