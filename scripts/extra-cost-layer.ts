// Prints the Containerfile lines that make an image built FROM a gateway's cost `ms` more CPU per MCP request
// (fixtures/gateway-extra-cost's wrapper around the app its adapter names): the gate's self-test of a known
// regression, in a gateway repository's own build. The build context must hold the fixture's files in <context dir>.
//   node scripts/extra-cost-layer.ts <gateway kind> <ms> <context dir>
import { ADAPTERS, adapterFor } from '../tests/support/gateway/adapters.ts';
import { extraCostLayer } from '../tests/support/stack/extra-cost.ts';

const [kind, ms, dir, ...rest] = process.argv.slice(2);
const usage = `usage: node scripts/extra-cost-layer.ts ${Object.keys(ADAPTERS).join('|')} <ms> <context dir>`;
if (!kind || !ms || !dir || rest.length > 0) {
  console.error(usage);
  process.exit(2);
}
if (!(kind in ADAPTERS)) {
  console.error(`unknown gateway '${kind}': ${Object.keys(ADAPTERS).join(' or ')}\n${usage}`);
  process.exit(2);
}
if (!/^\d+(\.\d+)?$/.test(ms)) {
  console.error(`ms '${ms}': a number of milliseconds, e.g. 30\n${usage}`);
  process.exit(2);
}
process.stdout.write(extraCostLayer(Number(ms), adapterFor(kind), dir));
