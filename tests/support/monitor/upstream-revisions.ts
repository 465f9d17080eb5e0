import type { DirectServer } from '../shared/stack-info.ts';

/** MCP requests our servers received, by revision (their /health counts them), summed over the servers. */
export type RevisionCounts = Record<string, number>;

/** What our MCP servers have counted so far; a server that does not answer is named in `errors`, not skipped silently. */
export async function readRevisions(servers: readonly DirectServer[], timeoutMs = 3000): Promise<{ counts: RevisionCounts; errors: string[] }> {
  const counts: RevisionCounts = {};
  const errors: string[] = [];
  await Promise.all(servers.map(async (s) => {
    try {
      const body = (await (await fetch(s.healthUrl, { signal: AbortSignal.timeout(timeoutMs) })).json()) as { revisions?: RevisionCounts };
      for (const [revision, n] of Object.entries(body.revisions ?? {})) counts[revision] = (counts[revision] ?? 0) + n;
    } catch (error) {
      errors.push(`${s.name}: ${(error as Error).message}`);
    }
  }));
  return { counts, errors };
}

/** The requests between two readings, by revision, most first. */
export function revisionDelta(before: RevisionCounts, after: RevisionCounts): [string, number][] {
  return Object.entries(after).map(([r, n]) => [r, n - (before[r] ?? 0)] as [string, number]).filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1]);
}

/** "2025-11-25 (1204 requests), unstated (2)", or undefined when nothing reached our servers. */
export function formatRevisions(delta: [string, number][]): string | undefined {
  return delta.length ? delta.map(([r, n]) => `${r} (${n} request${n === 1 ? '' : 's'})`).join(', ') : undefined;
}
