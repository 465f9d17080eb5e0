import { describe, expect, it } from 'vitest';
import { abConfigFrom, describeSide } from '../support/stack/ab.ts';
import { buildConfig } from '../support/shared/config.ts';
import { sideBuildArgs } from '../support/stack/side-image.ts';

describe('A/B mode from the environment', () => {
  const both = { PERF_AB_BASE: 'gw:base', PERF_AB_HEAD: 'gw:head' };

  it('is off without images, and needs both', () => {
    expect(abConfigFrom(buildConfig({}))).toBeUndefined();
    expect(() => abConfigFrom(buildConfig({ PERF_AB_BASE: 'gw:base' }))).toThrow(/needs both PERF_AB_BASE and PERF_AB_HEAD.*only PERF_AB_BASE/);
  });

  it('reads a known extra cost per side, and refuses one that is not a number of ms', () => {
    expect(abConfigFrom(buildConfig({ ...both, PERF_AB_HEAD_EXTRA_CPU_MS: '17' }))!.head.extraCost).toEqual({ ms: 17 });
    expect(() => abConfigFrom(buildConfig({ ...both, PERF_AB_HEAD_EXTRA_CPU_MS: 'lots' }))).toThrow(/PERF_AB_HEAD_EXTRA_CPU_MS="lots" must be a number/);
  });

  it('leaves which stack starts first to chance unless PERF_AB_START_FIRST says base or head', () => {
    expect(abConfigFrom(buildConfig(both))!.startFirst).toBeUndefined();
    expect(abConfigFrom(buildConfig({ ...both, PERF_AB_START_FIRST: 'head' }))!.startFirst).toBe('head');
    expect(() => abConfigFrom(buildConfig({ ...both, PERF_AB_START_FIRST: 'second' }))).toThrow(/PERF_AB_START_FIRST="second" must be one of base, head/);
  });

  it('builds a side from a released version or a source checkout, as a tag of the local image', () => {
    const ab = abConfigFrom(buildConfig({ PERF_AB_BASE: 'pypi:1.0.7', PERF_AB_HEAD: `source:${process.cwd()}/fixtures` }))!;
    expect(ab.base).toMatchObject({ image: 'local/mcp-context-forge:1.0.7', build: { from: 'pypi', version: '1.0.7' } });
    expect(ab.head.image).toMatch(/^local\/mcp-context-forge:source-[0-9a-f]{10}$/);
    expect(describeSide(ab.base)).toBe('local/mcp-context-forge:1.0.7 (built from PyPI 1.0.7)');
    const pypi = sideBuildArgs(ab.base, 'contextforge');
    expect(pypi).toEqual(expect.arrayContaining(['--build-arg', 'CONTEXTFORGE_VERSION=1.0.7', '-t', 'local/mcp-context-forge:1.0.7']));
    expect(pypi[2]).toMatch(/fixtures\/images\/contextforge\.Dockerfile$/);
    const source = sideBuildArgs(ab.head, 'contextforge');
    expect(source[2]).toMatch(/contextforge-source\.Dockerfile$/);
    expect(source.at(-1)).toBe(`${process.cwd()}/fixtures`);
    expect(abConfigFrom(buildConfig({ PERF_GATEWAY: 'litellm', PERF_AB_BASE: 'pypi:1.108.7', PERF_AB_HEAD: 'pypi:1.108.8' }))!.head.image).toBe('local/litellm:1.108.8');
  });

  it('refuses a version, a checkout or a gateway it cannot build, saying what to write', () => {
    expect(() => abConfigFrom(buildConfig({ PERF_AB_BASE: 'pypi:', PERF_AB_HEAD: 'x:1' }))).toThrow(/PERF_AB_BASE="pypi:": "" is not a version \(write e\.g\. pypi:1\.0\.7\)/);
    expect(() => abConfigFrom(buildConfig({ PERF_AB_BASE: 'x:1', PERF_AB_HEAD: 'source:/no/such/checkout' }))).toThrow(/PERF_AB_HEAD="source:\/no\/such\/checkout": no such directory/);
    expect(() => abConfigFrom(buildConfig({ PERF_GATEWAY: 'litellm', PERF_AB_BASE: 'x:1', PERF_AB_HEAD: `source:${process.cwd()}` }))).toThrow(/LiteLLM's adapter cannot build from a source checkout; give an image/);
  });
});
