import { ImageName, type ContainerRuntimeClient } from 'testcontainers';
import { withTimeout } from './cleanup.ts';
import { IMAGES } from '../shared/images-file.ts';
import { config } from '../shared/config.ts';

export { IMAGES };

/** postgres, redis, servers, or a gateway adapter's role (gateway is ContextForge's, litellm LiteLLM's). */
export type ImageRole = string;

/** The variable that names another image for a role: MCP_PERF_<ROLE>_IMAGE. */
export function imageEnvName(role: ImageRole): string {
  return `MCP_PERF_${role.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_IMAGE`;
}

/**
 * A role's official image, by the name a registry mirror holds it under when MCP_PERF_REGISTRY=host[:port][/path]
 * is set (a pull-through cache, Harbor or Artifactory proxy, or `npm run registry -- mirror`): the official
 * registry is replaced by the mirror and Docker Hub's implicit "library/" made explicit, e.g.
 * postgres:17-alpine -> host/library/postgres:17-alpine, ghcr.io/ibm/mcp-context-forge:v1.1.0 ->
 * host/ibm/mcp-context-forge:v1.1.0.
 */
export function officialName(role: string, registry = config().MCP_PERF_REGISTRY): string {
  const name = IMAGES.official[role];
  if (!name) throw new Error(`fixtures/images/images.json has no official image for role "${role}"`);
  if (!registry) return name;
  const parts = name.split('/');
  const first = parts[0]!;
  if (parts.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost')) parts.shift();
  if (parts.length === 1) parts.unshift('library');
  return `${registry.replace(/\/+$/, '')}/${parts.join('/')}`;
}

export interface ResolvedImage {
  role: ImageRole;
  name: string;
  source: string;
  /** The image's content id (sha256:...), so a baseline says exactly what it was measured on. */
  id?: string;
  /**
   * What an image built here was built from (scripts/build-images.sh labels it: a digest of its Dockerfile, build
   * arguments and the files it copies): the same on every machine that builds it, where the id is new each build.
   */
  recipe?: string;
}

/** The label npm run images puts on what it builds. */
const RECIPE_LABEL = 'mcp-perf.recipe';

async function withId(client: ContainerRuntimeClient, image: ResolvedImage): Promise<ResolvedImage> {
  const info = await client.image.inspect(ImageName.fromString(image.name)).catch(() => undefined);
  const recipe = info?.Config?.Labels?.[RECIPE_LABEL];
  return { ...image, ...(info?.Id ? { id: info.Id } : {}), ...(recipe ? { recipe } : {}) };
}

/** An image as reports and baselines record it: name, where it came from, short id and, when built here, its recipe. */
export function describeImage(i: ResolvedImage): string {
  return `${i.name} (${i.source})${i.id ? ` ${i.id.slice(0, 19)}` : ''}${i.recipe ? ` recipe ${i.recipe}` : ''}`;
}

export class ImageUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImageUnavailableError';
  }
}

/**
 * Picks the image for a role: `explicit` (one side of an A/B run) or the environment variable if set; else
 * the official image if present or pullable (from MCP_PERF_REGISTRY first, when set); else the equivalent that
 * `npm run images` builds without a registry. Fails fast, naming what to run, when none can be had.
 */
export async function resolveImage(client: ContainerRuntimeClient, role: ImageRole, pullTimeoutMs = 600_000, explicit?: string): Promise<ResolvedImage> {
  const envName = imageEnvName(role);
  const settings = config();
  const fromEnv = settings.roleImages[envName];
  const mirror = settings.MCP_PERF_REGISTRY;
  // Images built here (npm run images) are never pulled. A named image is pulled when absent: a mirror the user
  // named before a local equivalent is looked for; the official registry, which may be unreachable, only after.
  const candidates: { name: string; source: string; pull: 'first' | 'last' | 'never' }[] = explicit
    ? [{ name: explicit, source: 'given for this A/B side', pull: 'first' }]
    : fromEnv
    ? [{ name: fromEnv, source: envName, pull: 'first' }]
    : role === 'servers'
      ? [{ name: IMAGES.servers, source: 'built from fixtures/ by npm run images', pull: 'never' }]
      : [
          // A gateway nobody publishes an image of has only the one built here.
          ...(IMAGES.official[role] ? [{ name: officialName(role), source: mirror ? 'official image, from MCP_PERF_REGISTRY' : 'official image', pull: mirror ? 'first' as const : 'last' as const }] : []),
          { name: IMAGES.local[role] ?? `(none for role ${role} in fixtures/images/images.json)`, source: 'local equivalent built by npm run images', pull: 'never' },
        ];
  const problems: string[] = [];
  const pull = async (name: string, source: string): Promise<ResolvedImage | undefined> => {
    try {
      await withTimeout(client.image.pull(ImageName.fromString(name)), pullTimeoutMs, `pulling ${name}`);
      return await withId(client, { role, name, source: `${source}, pulled` });
    } catch (error) {
      problems.push(`${name}: ${(error as Error).message.split('\n')[0]}`);
      return undefined;
    }
  };
  for (const { name, source, pull: when } of candidates) {
    if (await client.image.exists(ImageName.fromString(name)).catch(() => false)) return withId(client, { role, name, source });
    const pulled = when === 'first' ? await pull(name, source) : undefined;
    if (pulled) return pulled;
  }
  for (const { name, source } of candidates.filter((c) => c.pull === 'last')) {
    const pulled = await pull(name, source);
    if (pulled) return pulled;
  }
  throw new ImageUnavailableError(
    `no ${role} image is available: ${candidates.map((c) => c.name).join(' or ')} ${candidates.length > 1 ? 'are' : 'is'} not present` +
      (problems.length ? ` and pulling failed (${problems.join('; ')})` : '') +
      (explicit ? `: build it, or name an image this machine has ("docker images" lists them; "npm run images" builds ${IMAGES.local[role] ?? 'the local ones'})`
        : `. Build the local images with "npm run images"${fromEnv ? '' : `, or set ${envName} to an image you have`}`) + '.',
  );
}
