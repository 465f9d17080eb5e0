import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ScenarioInput } from '../engine/scenario.ts';
import type { OperationSpec } from '../mcp/operations.ts';
import { runDir } from '../shared/run-dir.ts';
import type { Slo } from '../shared/slo.ts';
import { toK6Script } from './export.ts';

const slug = (name: string) => name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');

/**
 * Writes the k6 equivalent of a load phase, with the budgets the case asserted on it as thresholds, to
 * reports/<run>/k6/<scenario>.js. The gateway token stays out of the file: the script reads MCP_PERF_TOKEN.
 */
export function writeK6Phase(scenario: ScenarioInput, operation: OperationSpec, slos: Slo[], token: string | undefined): string {
  const dir = join(runDir(), 'k6');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${slug(scenario.name)}.js`);
  writeFileSync(path, toK6Script({ scenario, operation, secrets: token ? { MCP_PERF_TOKEN: token } : {}, slos }));
  return path;
}
