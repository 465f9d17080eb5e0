import { describe, expect, it } from 'vitest';
import { litellmArgs, litellmConfig, litellmEnv } from '../support/gateway/litellm/litellm.ts';
import { toolsByUpstream } from '../support/gateway/mcp-tools.ts';
import { stackOptionsFrom } from '../support/stack/options.ts';
import { buildConfig } from '../support/shared/config.ts';

describe('LiteLLM adapter', () => {
  it('writes a config with the master key and one Streamable HTTP server per upstream', () => {
    const yaml = litellmConfig('sk-x', [{ name: 'perf_load', url: 'http://perf-load:8000/mcp', expectTools: 7 }, { name: 'fast_time', url: 'http://fast-time:8000/mcp', expectTools: 2 }]);
    expect(yaml).toBe([
      'model_list: []', 'general_settings:', '  master_key: "sk-x"', 'mcp_servers:',
      '  perf_load:', '    url: "http://perf-load:8000/mcp"', '    transport: "http"',
      '  fast_time:', '    url: "http://fast-time:8000/mcp"', '    transport: "http"', '',
    ].join('\n'));
  });

  it('refuses a server name LiteLLM would mangle into tool names', () => {
    expect(() => litellmConfig('k', [{ name: 'fast-time', url: 'http://x/mcp', expectTools: 1 }])).toThrow(/"fast-time" must be letters, digits and _/);
  });

  it('maps prefixed tool names back to upstream/original, the longest upstream name first', () => {
    const listed = ['perf_load-fast_compute', 'perf_load_1-fast_compute', 'fast_time-get_system_time', 'unrelated'];
    expect(toolsByUpstream(listed, ['perf_load', 'perf_load_1', 'fast_time'])).toEqual({
      'perf_load/fast_compute': 'perf_load-fast_compute',
      'perf_load_1/fast_compute': 'perf_load_1-fast_compute',
      'fast_time/get_system_time': 'fast_time-get_system_time',
    });
  });

  it('runs the workers asked for, with the price list from the package, and lets PERF_GATEWAY_ENV override', () => {
    expect(litellmArgs({ configPath: '/app/mcp-perf-config.yaml', host: '0.0.0.0', port: 4000, workers: 2 }))
      .toEqual(['--config', '/app/mcp-perf-config.yaml', '--port', '4000', '--host', '0.0.0.0', '--num_workers', '2', '--timeout_worker_healthcheck', '120']);
    // One worker runs without uvicorn's supervisor: nothing pings it.
    expect(litellmArgs({ configPath: '/c.yaml', host: '127.0.0.1', port: 4000, workers: 1 })).not.toContain('--timeout_worker_healthcheck');
    expect(litellmEnv()).toEqual({ LITELLM_LOCAL_MODEL_COST_MAP: 'True' });
    expect(litellmEnv({ LITELLM_LOCAL_MODEL_COST_MAP: 'False', X: '1' })).toEqual({ LITELLM_LOCAL_MODEL_COST_MAP: 'False', X: '1' });
  });
});

describe('gateway and transport settings', () => {
  it('PERF_GATEWAY picks the gateway (default contextforge) and refuses one the suite cannot start', () => {
    expect(stackOptionsFrom(buildConfig({})).gateway).toBe('contextforge');
    expect(stackOptionsFrom(buildConfig({ PERF_GATEWAY: 'litellm' })).gateway).toBe('litellm');
    expect(() => stackOptionsFrom(buildConfig({ PERF_GATEWAY: 'kong' }))).toThrow(/PERF_GATEWAY="kong" is not a gateway the suite can start: use contextforge(, | or ).*litellm, or PERF_STACK=external/);
  });

  it('PERF_TRANSPORT is native or mcp', () => {
    expect(buildConfig({}).PERF_TRANSPORT).toBe('native');
    expect(buildConfig({ PERF_TRANSPORT: 'mcp' }).PERF_TRANSPORT).toBe('mcp');
    expect(() => buildConfig({ PERF_TRANSPORT: 'sse' })).toThrow(/PERF_TRANSPORT="sse" must be one of native, mcp/);
  });
});
