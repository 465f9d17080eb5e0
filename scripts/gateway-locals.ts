// For scripts/setup-local.sh: one line per gateway adapter that runs as a local process from a virtualenv,
// tab-separated: its title, the virtualenv's folder (its setting, else the default), the oldest Python it runs on
// ("-": any python3), what pip installs (space-separated), the Python check of a complete install, and the check's
// environment (KEY=value, space-separated; "-": none). A new gateway's folder is all it takes.
import { ADAPTERS } from '../tests/support/gateway/adapters.ts';
import { venvDir } from '../tests/support/gateway/local-install.ts';
import { config } from '../tests/support/shared/config.ts';

for (const adapter of Object.values(ADAPTERS)) {
  const spec = adapter.localInstall;
  if (!spec) continue;
  const env = Object.entries(spec.checkEnv ?? {}).map(([k, v]) => `${k}=${v}`).join(' ');
  console.log([adapter.title, venvDir(spec, config()), spec.minPython ?? '-', spec.packages.join(' '), spec.check, env || '-'].join('\t'));
}
