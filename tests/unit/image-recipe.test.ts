// The recipe npm run images labels each image with: what a baseline compares to tell a rebuilt image (same recipe, new
// id) from another one. It must change with anything the image is built from, and only with that.
import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { scratchDir } from '../scratch-dir.ts';

const script = fileURLToPath(new URL('../../scripts/build-images.sh', import.meta.url));

/** recipe(), taken from build-images.sh and run in `cwd` (the project root, as the script runs it). */
function recipe(cwd: string, ...args: string[]): string {
  const p = spawnSync('bash', ['-c', `source <(sed -n '/^recipe()/,/^}/p' "$0"); recipe "$@"`, script, ...args], { cwd, encoding: 'utf8', timeout: 20_000 });
  expect(p.status, p.stderr).toBe(0);
  return p.stdout.trim();
}

describe('an image\'s recipe (scripts/build-images.sh)', () => {
  it('changes with its Dockerfile, its build arguments and the files its COPY lines take from the context, not with others', () => {
    const root = scratchDir('recipe');
    mkdirSync(join(root, 'fixtures/images'), { recursive: true });
    mkdirSync(join(root, 'ctx'));
    writeFileSync(join(root, 'fixtures/images/x.Dockerfile'), 'FROM base\nCOPY package.json ./\nCOPY *.ts ./\n');
    writeFileSync(join(root, 'ctx/package.json'), '{}\n');
    writeFileSync(join(root, 'ctx/main.ts'), 'export {};\n');
    writeFileSync(join(root, 'ctx/notes.md'), 'not copied\n');
    // A .ts file where the script runs: a pattern expanded there instead of in the context would take this one.
    writeFileSync(join(root, 'decoy.ts'), 'export {};\n');
    const first = recipe(root, 'x.Dockerfile', 'ctx', '--build-arg', 'V=1');
    expect(first).toMatch(/^[0-9a-f]{16}$/);
    expect(recipe(root, 'x.Dockerfile', 'ctx', '--build-arg', 'V=1')).toBe(first);
    appendFileSync(join(root, 'ctx/notes.md'), 'still not copied\n');
    appendFileSync(join(root, 'decoy.ts'), '// changed\n');
    expect(recipe(root, 'x.Dockerfile', 'ctx', '--build-arg', 'V=1')).toBe(first);
    expect(recipe(root, 'x.Dockerfile', 'ctx', '--build-arg', 'V=2')).not.toBe(first);
    appendFileSync(join(root, 'ctx/main.ts'), '// changed\n');
    const afterSource = recipe(root, 'x.Dockerfile', 'ctx', '--build-arg', 'V=1');
    expect(afterSource).not.toBe(first);
    appendFileSync(join(root, 'fixtures/images/x.Dockerfile'), 'RUN true\n');
    expect(recipe(root, 'x.Dockerfile', 'ctx', '--build-arg', 'V=1')).not.toBe(afterSource);
  });
});
