import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { GatewayAdapter, LaunchContext, PreparedGateway } from '../adapter.ts';
import { pinnedVersion } from '../../shared/images-file.ts';
import { bootstrapLiteLLM, LITELLM_CAPABILITIES, LITELLM_CONFIG_FILE, LITELLM_PORT, LITELLM_START_SECONDS, litellmArgs, litellmConfig, litellmEnv, litellmMasterKey } from './litellm.ts';

/**
 * LiteLLM's proxy as an MCP gateway: no database and no Redis (its upstreams come from a config file; a database
 * would only back its REST API for MCP servers, which the suite does not use), its master key as the Bearer token.
 */
export const litellm: GatewayAdapter = {
  kind: 'litellm',
  title: 'LiteLLM',
  version: pinnedVersion('litellm'),
  capabilities: LITELLM_CAPABILITIES,
  // Its workers import the whole proxy before they listen: slower to start than ContextForge.
  image: { role: 'litellm', port: LITELLM_PORT, configDir: '/app', startupTimeoutMs: LITELLM_START_SECONDS * 1000, build: { dockerfile: 'litellm.Dockerfile', versionArg: 'LITELLM_VERSION' } },
  needs: { postgres: false, redis: false },

  prepare(c: LaunchContext): PreparedGateway {
    const masterKey = litellmMasterKey();
    const configPath = join(c.dir, LITELLM_CONFIG_FILE);
    return {
      env: litellmEnv(c.extraEnv),
      args: litellmArgs({ configPath, host: c.host, port: c.port, workers: c.workers }),
      files: [{ content: litellmConfig(masterKey, c.upstreams), target: configPath, mode: 0o444 }],
      bootstrap: (o) => bootstrapLiteLLM({ ...o, masterKey, upstreams: c.upstreams, workers: c.workers }),
    };
  },

  local(env) {
    const venv = env.PERF_LITELLM_VENV ?? join(process.cwd(), '.venv-litellm');
    const executable = join(venv, 'bin', 'litellm');
    return {
      executable: existsSync(executable) ? executable : undefined,
      install: `LiteLLM's proxy in a Python virtualenv at ${venv} (npm run setup:local -- --litellm; or python3 -m venv ${venv} && ` +
        `${venv}/bin/pip install "litellm[proxy]==${pinnedVersion('litellm')}"; or set PERF_LITELLM_VENV)`,
    };
  },

  // The local image installs LiteLLM into the system site-packages; /app is where the official image keeps it.
  extraCost: { appModule: 'litellm.proxy.proxy_server', pythonPath: '/app' },
};

export default litellm;
