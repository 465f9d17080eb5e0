import { readFileSync } from 'node:fs';

/** fixtures/images/images.json: the pinned versions, and each image role's official and locally built names. */
export interface ImagesFile {
  contextforgeVersion: string;
  litellmVersion: string;
  /** By image role: postgres, redis, node, and each gateway adapter's role. */
  official: { postgres: string; redis: string; gateway: string; node: string; [role: string]: string };
  local: { postgres: string; redis: string; gateway: string; node: string; bookworm: string; trixie: string; [role: string]: string };
  servers: string;
}

export const IMAGES: ImagesFile = JSON.parse(readFileSync(new URL('../../../fixtures/images/images.json', import.meta.url), 'utf8')) as ImagesFile;
