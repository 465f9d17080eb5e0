export { parseDuration, formatDuration } from './duration.ts';
export { classifyError, failureKey, OperationFailure, type ErrorClass, type Failure } from './errors.ts';
export { createAgent, createPool, httpRequest, type HttpResponse } from './http.ts';
export type { IterationContext, LoadOperation, Operation, OperationModule, Outcome, VuState } from './operation.ts';
export type { OperationResult, RunResult, SeriesPoint } from './result.ts';
export { runScenario, runScenarioInWorkers, type RunOptions, type WorkerOperation } from './runner.ts';
export { normalizeScenario, ScenarioError, type Scenario, type ScenarioInput, type Stage } from './scenario.ts';
export { ArrivalSchedule, vusAt } from './schedule.ts';
