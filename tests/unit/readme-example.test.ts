// README's "Writing a perf case" is what a newcomer copies first: its example must compile against the suite as it
// is (type-checked where it would live, tests/perf/, with the project's compiler options), so a renamed helper or
// option breaks this test instead of the reader's first case.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** The first ```ts block after `heading` in README.md. */
export function exampleAfter(readme: string, heading: string): string {
  const at = readme.indexOf(`\n${heading}\n`);
  if (at < 0) throw new Error(`README.md has no heading "${heading}"`);
  const block = /```ts\n([\s\S]*?)```/.exec(readme.slice(at));
  if (!block) throw new Error(`README.md has no ts code block after "${heading}"`);
  return block[1]!;
}

/** The support files that add to Vitest's types (its matchers, inject's keys): the project compiles them with every case. */
const augmenting = readdirSync(join(root, 'tests/support'), { recursive: true, encoding: 'utf8' })
  .filter((f) => f.endsWith('.ts')).map((f) => join(root, 'tests/support', f))
  .filter((f) => readFileSync(f, 'utf8').includes("declare module 'vitest'"));

/** The compiler's errors for `source` placed at `path`, with the project's tsconfig.json options. */
function typeErrors(path: string, source: string): string[] {
  const config = ts.readConfigFile(join(root, 'tsconfig.json'), (f) => ts.sys.readFile(f));
  const { options } = ts.parseJsonConfigFileContent(config.config, ts.sys, root);
  mkdirSync(dirname(path), { recursive: true });
  // Written as it would sit in tests/perf/: its imports of ../support/ pointed at the real tests/support/.
  writeFileSync(path, source.replaceAll("'../support/", `'${relative(dirname(path), join(root, 'tests/support'))}/`));
  const program = ts.createProgram([path, ...augmenting], options);
  return ts.getPreEmitDiagnostics(program, program.getSourceFile(path)).map((d) => `${d.start ?? ''}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
}

describe('README', () => {
  it('its example perf case compiles where a reader would put it (tests/perf/), and a wrong one would not', () => {
    const example = exampleAfter(readFileSync(join(root, 'README.md'), 'utf8'), '## Writing a perf case');
    // In scratch/ (ignored by git), not tests/perf/, which other tests read while this one runs and the perf suite runs.
    const dir = join(root, 'scratch', `readme-example-${process.pid}`);
    const path = join(dir, 'perf', 'example.perf.ts');
    try {
      expect(typeErrors(path, example)).toEqual([]);
      // The check itself can fail: the same example with an option the engine does not have.
      expect(typeErrors(path, example.replace('preAllocatedVUs', 'preallocatedVus')).join('\n')).toMatch(/preallocatedVus/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
