import { readFileSync } from 'node:fs';
import { ImageName, type ContainerRuntimeClient } from 'testcontainers';
import { withTimeout } from './cleanup.ts';

interface ImagesFile {
  contextforgeVersion: string;
  official: Record<'postgres' | 'redis' | 'gateway' | 'node', string>;
  local: Record<'bookworm' | 'trixie' | 'postgres' | 'redis' | 'gateway' | 'node', string>;
  servers: string;
}

export const IMAGES: ImagesFile = JSON.parse(readFileSync(new URL('../../../fixtures/images/images.json', import.meta.url), 'utf8')) as ImagesFile;

export type ImageRole = 'postgres' | 'redis' | 'gateway' | 'servers';

const ENV: Record<ImageRole, string> = {
  postgres: 'MCP_PERF_POSTGRES_IMAGE',
  redis: 'MCP_PERF_REDIS_IMAGE',
  gateway: 'MCP_PERF_GATEWAY_IMAGE',
  servers: 'MCP_PERF_SERVERS_IMAGE',
};

export interface ResolvedImage {
  role: ImageRole;
  name: string;
  source: string;
  /** The image's content id (sha256:...), so a baseline says exactly what it was measured on. */
  id?: string;
}

async function withId(client: ContainerRuntimeClient, image: ResolvedImage): Promise<ResolvedImage> {
  const info = await client.image.inspect(ImageName.fromString(image.name)).catch(() => undefined);
  return info?.Id ? { ...image, id: info.Id } : image;
}

export class ImageUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImageUnavailableError';
  }
}

/**
 * Picks the image for a role: `explicit` (one side of an A/B run) or the environment variable if set; else
 * the official image if present or pullable; else the equivalent that `npm run images` builds without a
 * registry. Fails fast, naming what to run, when none can be had.
 */
export async function resolveImage(client: ContainerRuntimeClient, role: ImageRole, pullTimeoutMs = 600_000, explicit?: string): Promise<ResolvedImage> {
  const fromEnv = process.env[ENV[role]];
  const candidates: { name: string; source: string }[] = explicit
    ? [{ name: explicit, source: 'given for this A/B side' }]
    : fromEnv
    ? [{ name: fromEnv, source: `${ENV[role]}` }]
    : role === 'servers'
      ? [{ name: IMAGES.servers, source: 'built from fixtures/ by npm run images' }]
      : [
          { name: IMAGES.official[role], source: 'official image' },
          { name: IMAGES.local[role], source: 'local equivalent built by npm run images' },
        ];
  for (const c of candidates) {
    if (await client.image.exists(ImageName.fromString(c.name)).catch(() => false)) return withId(client, { role, ...c });
  }
  const problems: string[] = [];
  for (const c of candidates) {
    if (c.source.startsWith('local') || c.source.startsWith('built')) continue;
    try {
      await withTimeout(client.image.pull(ImageName.fromString(c.name)), pullTimeoutMs, `pulling ${c.name}`);
      return withId(client, { role, ...c, source: `${c.source}, pulled` });
    } catch (error) {
      problems.push(`${c.name}: ${(error as Error).message.split('\n')[0]}`);
    }
  }
  throw new ImageUnavailableError(
    `no ${role} image is available: ${candidates.map((c) => c.name).join(' or ')} ${candidates.length > 1 ? 'are' : 'is'} not present` +
      (problems.length ? ` and pulling failed (${problems.join('; ')})` : '') +
      `. Build the local images with "npm run images"${fromEnv || explicit ? '' : `, or set ${ENV[role]} to an image you have`}.`,
  );
}
