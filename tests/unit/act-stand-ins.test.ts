// The stand-ins workflows-act.sh gives act for what needs github.com (fixtures/act): each does its job, and each
// stops the job with a clear line on what a real action or gh would refuse (an unknown repository or ref, a Node of
// another major, no files to upload, editing a comment that is not there).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scratchDir } from '../scratch-dir.ts';

const ACT = new URL('../../fixtures/act/', import.meta.url).pathname;

function run(script: string, env: Record<string, string>, args: string[] = []): { status: number | null; out: string; err: string } {
  const p = spawnSync('bash', [join(ACT, script), ...args], { encoding: 'utf8', timeout: 20_000, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env } });
  if (p.error) throw p.error;
  return { status: p.status, out: p.stdout, err: p.stderr };
}

function git(dir: string, ...args: string[]): string {
  const p = spawnSync('git', ['-C', dir, '-c', 'user.name=t', '-c', 'user.email=t@localhost', ...args], { encoding: 'utf8', timeout: 10_000 });
  if (p.status !== 0) throw new Error(`git ${args.join(' ')}: ${p.stderr}`);
  return p.stdout.trim();
}

describe('actions/checkout stand-in', () => {
  const repo = (): { src: string; first: string; second: string } => {
    const src = join(scratchDir('act-stand-ins'), 'src');
    mkdirSync(src);
    git(src, 'init', '-q', '-b', 'main');
    writeFileSync(join(src, 'f'), 'one\n');
    git(src, 'add', 'f');
    git(src, 'commit', '-qm', 'one');
    const first = git(src, 'rev-parse', 'HEAD');
    writeFileSync(join(src, 'f'), 'two\n');
    git(src, 'commit', '-qam', 'two');
    return { src, first, second: git(src, 'rev-parse', 'HEAD') };
  };

  it('clones the named repository at the ref asked (default the event\'s commit) into the path', () => {
    const { src, first, second } = repo();
    const ws = scratchDir('act-stand-ins');
    const env = { MCP_PERF_ACT_REPOS: `other/x=/nowhere my-org/gw=${src}`, REPO: 'my-org/gw', GITHUB_WORKSPACE: ws, GITHUB_SHA: second };
    expect(run('checkout/checkout.sh', { ...env, REF: first, DEST: 'base' }).status).toBe(0);
    expect(readFileSync(join(ws, 'base', 'f'), 'utf8')).toBe('one\n');
    expect(run('checkout/checkout.sh', { ...env, REF: '', DEST: 'head' }).status).toBe(0);
    expect(git(join(ws, 'head'), 'rev-parse', 'HEAD')).toBe(second);
  });

  it('stops on a repository it was not given, a ref that is not there, or no path', () => {
    const { src, second } = repo();
    const ws = scratchDir('act-stand-ins');
    const env = { MCP_PERF_ACT_REPOS: `my-org/gw=${src}`, GITHUB_WORKSPACE: ws, GITHUB_SHA: second, REF: '', DEST: 'x' };
    const unknown = run('checkout/checkout.sh', { ...env, REPO: 'my-org/other' });
    expect(unknown.status).toBe(1);
    expect(unknown.err).toContain('my-org/other is not among MCP_PERF_ACT_REPOS');
    expect(run('checkout/checkout.sh', { ...env, REPO: 'my-org/gw', REF: 'no-such-ref' }).status).not.toBe(0);
    expect(run('checkout/checkout.sh', { ...env, REPO: 'my-org/gw', DEST: '' }).err).toContain('give a path');
  });
});

describe('actions/setup-node stand-in', () => {
  const nodeDir = dirname(process.execPath);
  const major = process.versions.node.split('.')[0] ?? '';

  it('puts the Node whose major the version file asks for on the job\'s PATH', () => {
    const ws = scratchDir('act-stand-ins');
    writeFileSync(join(ws, '.nvmrc'), `v${major}\n`);
    const path = join(ws, 'github-path');
    const r = run('setup-node/setup-node.sh', { GITHUB_WORKSPACE: ws, VERSION_FILE: '.nvmrc', MCP_PERF_ACT_NODE_DIR: nodeDir, GITHUB_PATH: path });
    expect(r.status, r.err).toBe(0);
    expect(readFileSync(path, 'utf8')).toBe(`${nodeDir}\n`);
  });

  it('stops when the version file asks for another major, or no Node is named', () => {
    const ws = scratchDir('act-stand-ins');
    writeFileSync(join(ws, '.nvmrc'), `${Number(major) - 2}\n`);
    const env = { GITHUB_WORKSPACE: ws, VERSION_FILE: '.nvmrc', GITHUB_PATH: join(ws, 'github-path') };
    const other = run('setup-node/setup-node.sh', { ...env, MCP_PERF_ACT_NODE_DIR: nodeDir });
    expect(other.status).toBe(1);
    expect(other.err).toContain(`.nvmrc asks for Node ${Number(major) - 2}, ${nodeDir}/node is ${major}`);
    expect(existsSync(join(ws, 'github-path'))).toBe(false);
    expect(run('setup-node/setup-node.sh', env).err).toContain('MCP_PERF_ACT_NODE_DIR names no directory');
  });
});

describe('actions/upload-artifact stand-in', () => {
  it('copies the path\'s files (a directory\'s contents, or one file) under the artifact\'s name; with none, warns or fails as if-no-files-found says', () => {
    const ws = scratchDir('act-stand-ins');
    const store = join(ws, 'store');
    mkdirSync(join(ws, 'reports', 'r1', 'sub'), { recursive: true });
    writeFileSync(join(ws, 'reports', 'r1', 'sub', 'a.json'), '{}');
    const env = { GITHUB_WORKSPACE: ws, MCP_PERF_ACT_ARTIFACTS: store, NAME: 'perf-gate-1-1' };
    expect(run('upload-artifact/upload-artifact.sh', { ...env, FROM: 'reports/r1', IF_NONE: 'warn' }).status).toBe(0);
    expect(existsSync(join(store, 'perf-gate-1-1', 'sub', 'a.json'))).toBe(true);
    const warn = run('upload-artifact/upload-artifact.sh', { ...env, FROM: 'reports/none', IF_NONE: 'warn' });
    expect(warn.status).toBe(0);
    expect(warn.err).toContain('no files at reports/none');
    expect(run('upload-artifact/upload-artifact.sh', { ...env, FROM: 'reports/none', IF_NONE: 'error' }).status).toBe(1);
    writeFileSync(join(ws, 'gate-noise.json'), '{}');
    const file = run('upload-artifact/upload-artifact.sh', { ...env, NAME: 'noise-1', FROM: 'gate-noise.json', IF_NONE: 'warn' });
    expect(file.status, file.err).toBe(0);
    expect(readFileSync(join(store, 'noise-1', 'gate-noise.json'), 'utf8')).toBe('{}');
  });
});

describe('gh stand-in', () => {
  it('records a pull-request comment; --edit-last fails until there is one, as gh does; other commands are refused', () => {
    const ws = scratchDir('act-stand-ins');
    const body = join(ws, 'summary.md');
    writeFileSync(body, 'verdict\n');
    const env = { MCP_PERF_ACT_GH_DIR: join(ws, 'gh') };
    const comment = (...extra: string[]) => run('bin/gh', env, ['pr', 'comment', '7', '--repo', 'o/r', '--body-file', body, ...extra]);
    const first = comment('--edit-last');
    expect(first.status).toBe(1);
    expect(first.err).toContain('no comments found');
    expect(comment().out).toContain('(new)');
    expect(comment('--edit-last').out).toContain('(edited)');
    expect(readFileSync(join(ws, 'gh', 'comment-7.md'), 'utf8')).toBe('verdict\n');
    expect(run('bin/gh', env, ['pr', 'merge', '7']).err).toContain("only 'gh pr comment', 'gh run list' and 'gh run download'");
    expect(run('bin/gh', env, ['pr', 'comment', '7', '--body-file', join(ws, 'missing.md')]).err).toContain('no body file');
  });
});

// gh answers --jq with its own jq; the stand-in with jq's, as on GitHub's runners.
const haveJq = spawnSync('jq', ['--version'], { timeout: 5_000 }).status === 0;

describe.skipIf(!haveJq)(`gh stand-in: earlier runs of a workflow${haveJq ? '' : ' (skipped: no jq on PATH; Debian: apt-get install jq)'}`, () => {
  const store = (): { env: Record<string, string>; ws: string } => {
    const ws = scratchDir('act-stand-ins');
    for (const [id, conclusion, artifact] of [[5, 'success', 'perf-gate-5-1'], [12, 'failure', 'perf-gate-12-1'], [3, 'cancelled', 'perf-gate-3-1'], [7, 'success', 'other-7']] as const) {
      mkdirSync(join(ws, 'runs', 'perf-pr.yml', String(id), 'artifacts', artifact, 'sub'), { recursive: true });
      writeFileSync(join(ws, 'runs', 'perf-pr.yml', String(id), 'conclusion'), `${conclusion}\n`);
      writeFileSync(join(ws, 'runs', 'perf-pr.yml', String(id), 'artifacts', artifact, 'sub', 'results.json'), `{"run":${id}}`);
    }
    mkdirSync(join(ws, 'runs', 'perf-pr.yml', '9'));
    writeFileSync(join(ws, 'runs', 'perf-pr.yml', '9', 'conclusion'), 'success\n');
    return { env: { MCP_PERF_ACT_GH_DIR: join(ws, 'gh'), MCP_PERF_ACT_RUNS: join(ws, 'runs') }, ws };
  };

  it('lists them newest first, up to the limit, with the fields asked, through --jq as gh does', () => {
    const { env } = store();
    const list = (...extra: string[]) => run('bin/gh', env, ['run', 'list', '--repo', 'o/r', '--workflow', 'perf-pr.yml', ...extra]);
    expect(JSON.parse(list('--limit', '2', '--json', 'databaseId,conclusion').out)).toEqual([{ databaseId: 12, conclusion: 'failure' }, { databaseId: 9, conclusion: 'success' }]);
    expect(JSON.parse(list('--json', 'databaseId').out)).toEqual([{ databaseId: 12 }, { databaseId: 9 }, { databaseId: 7 }, { databaseId: 5 }, { databaseId: 3 }]);
    expect(list('--json', 'databaseId,conclusion', '--jq', '.[] | select(.conclusion == "success" or .conclusion == "failure") | .databaseId').out).toBe('12\n9\n7\n5\n');
    expect(list().err).toContain('only --json output');
    expect(run('bin/gh', env, ['run', 'list', '--workflow', 'none.yml', '--json', 'databaseId']).out.trim()).toBe('[]');
  });

  it('downloads a run\'s artifacts matching the pattern, each in its own directory; refuses as gh does when none is there or none matches', () => {
    const { env, ws } = store();
    const download = (id: number, pattern: string) => run('bin/gh', env, ['run', 'download', String(id), '--repo', 'o/r', '--pattern', pattern, '--dir', join(ws, 'aa', String(id))]);
    expect(download(12, 'perf-gate-*').status).toBe(0);
    expect(readFileSync(join(ws, 'aa', '12', 'perf-gate-12-1', 'sub', 'results.json'), 'utf8')).toBe('{"run":12}');
    const none = download(9, 'perf-gate-*');
    expect(none.status).toBe(1);
    expect(none.err).toContain('no valid artifacts found to download');
    const other = download(7, 'perf-gate-*');
    expect(other.status).toBe(1);
    expect(other.err).toContain('no artifact matches any of the names or patterns provided');
    expect(existsSync(join(ws, 'aa', '7'))).toBe(false);
  });
});
