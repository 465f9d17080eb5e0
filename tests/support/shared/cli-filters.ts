// What a vitest command line asks for, read by the perf config: whether it names files or cases itself (then it runs
// them, whatever PERF_CASES selects for a run that names none).

const WITH_VALUE = new Set(['-c', '--config', '-t', '--testNamePattern', '--reporter', '--outputFile', '--project', '--dir', '-r', '--root', '--shard', '--retry', '--bail', '--mode', '--pool']);

/** The file filters a vitest command line names (its positionals after "run"), skipping options and their values. */
export function cliFilters(argv: readonly string[]): string[] {
  const at = argv.indexOf('run');
  const out: string[] = [];
  for (let i = at < 0 ? 2 : at + 1; i < argv.length; i++) {
    const a = argv[i]!;
    if (a.startsWith('-')) {
      if (WITH_VALUE.has(a)) i++;
      continue;
    }
    out.push(a);
  }
  return out;
}

/** Whether the command line names files, or cases by name (-t, --testNamePattern). */
export function namesCases(argv: readonly string[]): boolean {
  return cliFilters(argv).length > 0 || argv.some((a) => a === '-t' || a.startsWith('--testNamePattern') || a.startsWith('-t='));
}
