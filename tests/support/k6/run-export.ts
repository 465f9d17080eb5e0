import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Slo } from '../budget/slo.ts';
import type { ScenarioInput } from '../engine/scenario.ts';
import type { OperationSpec } from '../mcp/operations.ts';
import { runDir } from '../report/run-dir.ts';
import { toK6Script } from './export.ts';

interface Exported {
  path: string;
  scenario: ScenarioInput;
  operation: OperationSpec;
  slos: Slo[];
  secrets: Record<string, string>;
}

const exported = new Map<string, Exported>();

const slug = (name: string) => name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');

function write(e: Exported): void {
  writeFileSync(e.path, toK6Script({ scenario: e.scenario, operation: e.operation, secrets: e.secrets, slos: e.slos }));
}

/**
 * Writes the k6 equivalent of a load phase to reports/<run>/k6/<scenario>.js (the gateway token stays out
 * of the file: the script reads MCP_PERF_TOKEN). Operations that are not data cannot be exported.
 */
export function exportPhase(scenario: ScenarioInput, operation: OperationSpec, token: string | undefined): string {
  const dir = join(runDir(), 'k6');
  mkdirSync(dir, { recursive: true });
  const e: Exported = { path: join(dir, `${slug(scenario.name)}.js`), scenario, operation, slos: [], secrets: token ? { MCP_PERF_TOKEN: token } : {} };
  exported.set(scenario.name, e);
  write(e);
  return e.path;
}

/** Adds a budget the case asserted on a phase to its exported script, as k6 thresholds. */
export function addThresholds(scenario: string, slo: Slo): void {
  const e = exported.get(scenario);
  if (!e) return;
  e.slos.push(slo);
  write(e);
}
