import { join } from 'node:path';
import type { GatewayAdapter, LaunchContext, PreparedGateway } from '../adapter.ts';
import { localFromVenv, type LocalInstall } from '../local-install.ts';
import { pinnedVersion } from '../../shared/images-file.ts';
import { bootstrapLiteLLM, LITELLM_CAPABILITIES, LITELLM_CONFIG_FILE, LITELLM_PORT, LITELLM_START_SECONDS, litellmArgs, litellmConfig, litellmEnv, litellmMasterKey } from './litellm.ts';

/**
 * LiteLLM's proxy as an MCP gateway: no database and no Redis (its upstreams come from a config file; a database
 * would only back its REST API for MCP servers, which the suite does not use), its master key as the Bearer token.
 */
export const LITELLM_LOCAL: LocalInstall = {
  venvSetting: 'PERF_LITELLM_VENV', defaultVenv: '.venv-litellm', packages: [`litellm[proxy]==${pinnedVersion('litellm')}`], executable: 'litellm',
  check: 'import litellm.proxy.proxy_server', checkEnv: { LITELLM_LOCAL_MODEL_COST_MAP: 'True' },
};

const litellm: GatewayAdapter = {
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

  localInstall: LITELLM_LOCAL,
  local: localFromVenv('LiteLLM\'s proxy', LITELLM_LOCAL),

  // The local image installs LiteLLM into the system site-packages; /app is where the official image keeps it.
  extraCost: { appModule: 'litellm.proxy.proxy_server', pythonPath: '/app' },
};

export default litellm;
