import { Agent } from 'undici';
import { classifyError } from '../engine/errors.ts';
import { isMcpRevision, isStateless, MCP_REVISIONS, type McpRevision } from './protocol.ts';
import { StreamableHttpClient } from './streamable-http-client.ts';

/** The revision a run speaks to one MCP endpoint, and how it was chosen (printed, and kept in the report). */
export interface ChosenRevision {
  revision: McpRevision;
  how: string;
  /** setting: PERF_MCP_PROTOCOL named it; auto: the endpoint was asked. */
  chosenBy: 'setting' | 'auto';
}

export type RevisionWish = 'auto' | McpRevision;

function failureText(error: unknown): string {
  const f = classifyError(error);
  return `${f.class}${f.code === undefined ? '' : `:${f.code}`} ${(f.message ?? '').slice(0, 160)}`;
}

const NEWEST_STATELESS = MCP_REVISIONS.filter(isStateless).at(-1)!;
const NEWEST_SESSION = MCP_REVISIONS.filter((r) => !isStateless(r)).at(-1)!;

/**
 * The revision to speak to `url`. A fixed wish is taken as it is (a gateway that refuses it is a finding the
 * cases report, not something to work around), after one server/discover or initialize says whether the endpoint
 * speaks it. auto asks the endpoint: server/discover on the newest stateless revision; where that is not
 * answered, initialize on the newest 2025-era one, whose answer names the revision the server agreed to.
 */
export async function chooseRevision(url: string, headers: Record<string, string>, wish: RevisionWish, timeoutMs = 15_000): Promise<ChosenRevision> {
  const agent = new Agent({ connections: 1 });
  const client = (protocol: McpRevision) => new StreamableHttpClient({ url, dispatcher: agent, headers, protocol });
  const signal = () => AbortSignal.timeout(timeoutMs);
  const askStateless = async (revision: McpRevision): Promise<string | undefined> => {
    try {
      const { result } = await client(revision).discover({ signal: signal() });
      const versions = result.supportedVersions ?? [];
      return versions.includes(revision) ? undefined : `its server/discover lists ${versions.join(', ') || 'no version'}`;
    } catch (error) {
      return `server/discover on ${revision} failed: ${failureText(error)}`;
    }
  };
  const askSession = async (revision: McpRevision): Promise<{ agreed?: McpRevision; problem?: string }> => {
    const c = client(revision);
    try {
      const { result } = await c.initialize({ signal: signal() });
      await c.close({ signal: signal() });
      if (!isMcpRevision(result.protocolVersion)) return { problem: `its initialize answered ${String(result.protocolVersion)}, which this client does not speak` };
      return { agreed: result.protocolVersion, ...(result.protocolVersion === revision ? {} : { problem: `initialize on ${revision} agreed to ${result.protocolVersion}` }) };
    } catch (error) {
      return { problem: `initialize on ${revision} (or ending its session) failed: ${failureText(error)}` };
    }
  };
  try {
    if (wish !== 'auto') {
      const problem = isStateless(wish) ? await askStateless(wish) : (await askSession(wish)).problem;
      return { revision: wish, chosenBy: 'setting', how: `PERF_MCP_PROTOCOL=${wish}${problem ? `; WARNING: the endpoint may not speak it (${problem})` : ''}` };
    }
    const noStateless = await askStateless(NEWEST_STATELESS);
    if (!noStateless) return { revision: NEWEST_STATELESS, chosenBy: 'auto', how: `auto: the endpoint's server/discover lists ${NEWEST_STATELESS}` };
    const session = await askSession(NEWEST_SESSION);
    if (session.agreed) return { revision: session.agreed, chosenBy: 'auto', how: `auto: ${noStateless}; initialize on ${NEWEST_SESSION} agreed to ${session.agreed}` };
    throw new Error(`cannot tell which MCP revision ${url} speaks: ${noStateless}; ${session.problem}. Is the stack up (npm run stack)? Or set PERF_MCP_PROTOCOL to one of ${MCP_REVISIONS.join(', ')}`);
  } finally {
    await agent.close();
  }
}
