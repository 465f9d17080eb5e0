// Prints the official image of a role (postgres, redis, haproxy, gateway, litellm, node), through MCP_PERF_REGISTRY when it is
// set; or, with --roles, the roles a stack is made of, for the scripts that handle every stack image (setup, the
// registry mirror, the non-root check): `stack` = the services and every gateway adapter's that has an official
// image (one nobody publishes is only built here), `services` = the rest.
import { ADAPTERS } from '../tests/support/gateway/adapters.ts';
import { IMAGES, officialName } from '../tests/support/stack/images.ts';

const SERVICES = ['postgres', 'redis', 'haproxy'];
const [first, second] = process.argv.slice(2);
if (first === '--roles' && (second === 'stack' || second === 'services')) {
  const roles = second === 'stack' ? [...SERVICES, ...Object.values(ADAPTERS).map((a) => a.image.role).filter((role) => IMAGES.official[role])] : SERVICES;
  console.log([...new Set(roles)].join(' '));
} else if (first && !second && first in IMAGES.official) {
  console.log(officialName(first));
} else {
  console.error(`usage: node scripts/official-image.ts ${Object.keys(IMAGES.official).join('|')}  or  --roles stack|services`);
  process.exit(2);
}
