// For scripts/build-images.sh: one line per gateway adapter whose image is built here, tab-separated: the local
// image's name, its Dockerfile (under fixtures/images, or a path from there), the Debian base it builds on, and the
// build argument that pins its version. A new gateway's folder and its images.json lines are all it takes.
import { ADAPTERS } from '../tests/support/gateway/adapters.ts';
import { IMAGES, pinnedVersion } from '../tests/support/shared/images-file.ts';

for (const adapter of Object.values(ADAPTERS)) {
  const build = adapter.image.build;
  if (!build) continue;
  const name = IMAGES.local[adapter.image.role];
  if (!name) throw new Error(`fixtures/images/images.json has no local image for role "${adapter.image.role}" (PERF_GATEWAY=${adapter.kind})`);
  const base = IMAGES.local[build.base ?? 'trixie'];
  console.log([name, build.dockerfile, base, `${build.versionArg}=${pinnedVersion(adapter.image.role)}`].join('\t'));
}
