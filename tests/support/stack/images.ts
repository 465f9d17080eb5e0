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
  // Images built here (npm run images) are never pulled; named ones are, when absent.
  const candidates: { name: string; source: string; pull: boolean }[] = explicit
    ? [{ name: explicit, source: 'given for this A/B side', pull: true }]
    : fromEnv
    ? [{ name: fromEnv, source: `${ENV[role]}`, pull: true }]
    : role === 'servers'
      ? [{ name: IMAGES.servers, source: 'built from fixtures/ by npm run images', pull: false }]
      : [
          { name: IMAGES.official[role], source: 'official image', pull: true },
          { name: IMAGES.local[role], source: 'local equivalent built by npm run images', pull: false },
        ];
  for (const { name, source } of candidates) {
    if (await client.image.exists(ImageName.fromString(name)).catch(() => false)) return withId(client, { role, name, source });
  }
  const problems: string[] = [];
  for (const { name, source } of candidates.filter((c) => c.pull)) {
    try {
      await withTimeout(client.image.pull(ImageName.fromString(name)), pullTimeoutMs, `pulling ${name}`);
      return withId(client, { role, name, source: `${source}, pulled` });
    } catch (error) {
      problems.push(`${name}: ${(error as Error).message.split('\n')[0]}`);
    }
  }
  throw new ImageUnavailableError(
    `no ${role} image is available: ${candidates.map((c) => c.name).join(' or ')} ${candidates.length > 1 ? 'are' : 'is'} not present` +
      (problems.length ? ` and pulling failed (${problems.join('; ')})` : '') +
      `. Build the local images with "npm run images"${fromEnv || explicit ? '' : `, or set ${ENV[role]} to an image you have`}.`,
  );
}
