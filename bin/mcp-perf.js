#!/usr/bin/env node
// `mcp-perf`, the suite's command (scripts/mcp-perf.ts), on the Node 24 the project installs (the `node` package),
// whatever Node started it: the suite is TypeScript run by Node 24's type stripping.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const candidates = [join(root, 'node_modules/node/bin/node'), join(process.cwd(), 'node_modules/node/bin/node')];
const node = candidates.find((c) => existsSync(c)) ?? process.execPath;
const run = spawnSync(node, [join(root, 'scripts/mcp-perf.ts'), ...process.argv.slice(2)], { stdio: 'inherit' });
if (run.error) {
  console.error(`mcp-perf: could not start ${node}: ${run.error.message}`);
  process.exit(2);
}
process.exit(run.status ?? 1);
