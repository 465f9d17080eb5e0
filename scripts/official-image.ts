// Prints the official image of a role (postgres, redis, gateway, litellm, node), through MCP_PERF_REGISTRY when it is set.
import { IMAGES, officialName } from '../tests/support/stack/images.ts';

const role = process.argv[2] ?? '';
if (!(role in IMAGES.official)) {
  console.error(`usage: node scripts/official-image.ts ${Object.keys(IMAGES.official).join('|')}`);
  process.exit(2);
}
console.log(officialName(role));
