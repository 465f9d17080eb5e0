import { readFileSync } from 'node:fs';

/**
 * fixtures/images/images.json, by image role: the pinned version (of each gateway's), the official image and the
 * one built here. A gateway's entry is its role's line in each map.
 */
export interface ImagesFile {
  versions: { [role: string]: string };
  /** By image role: postgres, redis, node, and each gateway adapter's role. */
  official: { postgres: string; redis: string; gateway: string; node: string; [role: string]: string };
  local: { postgres: string; redis: string; gateway: string; node: string; bookworm: string; trixie: string; [role: string]: string };
  servers: string;
}

export const IMAGES: ImagesFile = JSON.parse(readFileSync(new URL('../../../fixtures/images/images.json', import.meta.url), 'utf8')) as ImagesFile;

/** The version images.json pins for an image role (a gateway's); fails naming the file when it has none. */
export function pinnedVersion(role: string): string {
  const v = IMAGES.versions[role];
  if (!v) throw new Error(`fixtures/images/images.json pins no version for image role "${role}" (add it under "versions")`);
  return v;
}
