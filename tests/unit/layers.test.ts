// The layer rule of eslint.config.js, shown failing on imports that reach back up, and passing the downward ones.
import { ESLint } from 'eslint';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const cwd = fileURLToPath(new URL('../..', import.meta.url));
const eslint = new ESLint({ cwd });

async function layerErrors(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${cwd}/${file}` });
  return result!.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('layers that never import upward', () => {
  it('refuses an import of a higher layer, or of the harness, naming the order', async () => {
    expect(await layerErrors('tests/support/engine/x.ts', "import { PROFILE } from '../shared/profile.ts';\nexport const p = PROFILE;\n"))
      .toEqual([expect.stringMatching(/tests\/support\/engine may import only from the layers below it \(none\); the order is engine <- mcp <- shared/)]);
    expect(await layerErrors('tests/support/budget/x.ts', "import { runLoad } from '../perf-case.ts';\nexport const r = runLoad;\n")).toHaveLength(1);
    expect(await layerErrors('tests/support/stack/x.ts', "import type { CaseRecord } from '../report/run-report.ts';\nexport type R = CaseRecord;\n")).toHaveLength(1);
    // From a gateway adapter's own folder, one level deeper.
    expect(await layerErrors('tests/support/gateway/some-gateway/index.ts', "import { startStack } from '../../stack/stack.ts';\nexport const s = startStack;\n")).toHaveLength(1);
    expect(await layerErrors('tests/support/gateway/some-gateway/index.ts', "import { stack } from '../../perf-case.ts';\nexport const s = stack;\n")).toHaveLength(1);
  }, 60_000);

  it('refuses a gateway adapter above the stack: gateway knowledge stays in its adapter', async () => {
    expect(await layerErrors('tests/support/budget/x.ts', "import { DEFAULT_GATEWAY } from '../gateway/adapters.ts';\nexport const g = DEFAULT_GATEWAY;\n"))
      .toEqual([expect.stringMatching(/tests\/support\/budget may not import a gateway adapter/)]);
    expect(await layerErrors('tests/support/budget/x.ts', "import { DEFAULT_GATEWAY } from '../shared/stack-info.ts';\nexport const g = DEFAULT_GATEWAY;\n")).toEqual([]);
    expect(await layerErrors('tests/support/stack/x.ts', "import { adapterFor } from '../gateway/adapters.ts';\nexport const a = adapterFor;\n")).toEqual([]);
  }, 60_000);

  it('refuses a case that imports a gateway adapter: cases go through the harness', async () => {
    expect(await layerErrors('tests/perf/x.perf.ts', "import { adapterFor } from '../support/gateway/adapters.ts';\nexport const a = adapterFor;\n"))
      .toEqual([expect.stringMatching(/a case may not import a gateway adapter/)]);
    expect(await layerErrors('tests/perf/x.perf.ts', "import { stack } from '../support/perf-case.ts';\nexport const s = stack;\n")).toEqual([]);
  }, 60_000);

  it('lets a layer import from the layers below it', async () => {
    expect(await layerErrors('tests/support/report/x.ts', "import { PROFILE } from '../shared/profile.ts';\nimport { formatVerdicts } from '../budget/verdict-table.ts';\nexport const a = [PROFILE, formatVerdicts];\n")).toEqual([]);
    expect(await layerErrors('tests/support/gateway/some-gateway/index.ts', "import type { GatewayAdapter } from '../adapter.ts';\nimport { IMAGES } from '../../shared/images-file.ts';\nexport const a: GatewayAdapter | typeof IMAGES | undefined = undefined;\n")).toEqual([]);
  }, 60_000);

  it('refuses a raw environment read outside the configuration module, and setting() outside scripts; lets config() through', async () => {
    const envErrors = async (file: string, code: string) => {
      const [result] = await eslint.lintText(code, { filePath: `${cwd}/${file}` });
      return result!.messages.filter((m) => m.ruleId === 'no-restricted-syntax').map((m) => m.message);
    };
    for (const file of ['tests/support/stack/x.ts', 'tests/perf/x.perf.ts', 'scripts/x.ts', 'vitest.perf.config.ts']) {
      expect(await envErrors(file, 'export const v = process.env.PERF_PROFILE;\n')).toEqual([expect.stringMatching(/read settings with config\(\)/)]);
    }
    expect(await envErrors('tests/support/stack/x.ts', "export const v = process.env['PERF_PROFILE'];\n")).toHaveLength(1);
    expect(await envErrors('tests/support/shared/config.ts', 'export const v = process.env.PERF_PROFILE;\n')).toEqual([]);
    expect(await envErrors('tests/support/stack/x.ts', "import { config } from '../shared/config.ts';\nexport const v = config().PERF_PROFILE;\n")).toEqual([]);
    // setting() (the text as set, no default, unchecked) is for scripts: support code and cases read config().
    expect(await envErrors('tests/support/stack/x.ts', "import { setting } from '../shared/config.ts';\nexport const v = setting('PERF_PROFILE');\n")).toEqual([expect.stringMatching(/read settings from config\(\)/)]);
    expect(await envErrors('tests/perf/x.perf.ts', "import { setting } from '../support/shared/config.ts';\nexport const v = setting('PERF_PROFILE');\n")).toHaveLength(1);
    expect(await envErrors('scripts/x.ts', "import { setting } from '../tests/support/shared/config.ts';\nexport const v = setting('PERF_PROFILE');\n")).toEqual([]);
  }, 60_000);
});
