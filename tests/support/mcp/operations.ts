import type { Dispatcher } from 'undici';
import { createDispatcher } from '../engine/http.ts';
import type { LoadOperation } from '../engine/operation.ts';
import { http, type HttpSpec } from './operations/http.ts';
import { httpGet, type HttpGetSpec } from './operations/http-get.ts';
import { httpPaged, type HttpPagedSpec } from './operations/http-paged.ts';
import type { K6Context, OperationKind } from './operations/kind.ts';
import { mixKind, type MixItem as AnyMixItem, type MixSpec } from './operations/mix.ts';
import { rpc, type RpcSpec } from './operations/rpc.ts';
import { streamable, type StreamableSpec } from './operations/streamable.ts';

// The kinds of load operation, one module each in operations/ (spec, check, engine operation, k6 form).
// Adding a kind: its module, and a line in SingleOperationSpec and KINDS.

export { callMcp, type McpCall } from './mcp-call.ts';
export { weightedRoundRobin } from './operations/mix.ts';
export type { TransportSpec } from './operations/kind.ts';

/** Any operation but a mix: what a mix is made of. */
export type SingleOperationSpec = HttpGetSpec | HttpSpec | HttpPagedSpec | RpcSpec | StreamableSpec;
export type MixItem = AnyMixItem<SingleOperationSpec>;
/** A load operation, as data (a worker thread rebuilds it from this). */
export type OperationSpec = SingleOperationSpec | MixSpec<SingleOperationSpec>;

type Kinds = { [K in OperationSpec['kind']]: OperationKind<Extract<OperationSpec, { kind: K }>, OperationSpec> };
const KINDS: Kinds = { 'http-get': httpGet, http, 'http-paged': httpPaged, rpc, streamable, mix: mixKind<SingleOperationSpec>() };

function kindOf<S extends OperationSpec>(spec: S): OperationKind<S, OperationSpec> {
  const kind = (KINDS as unknown as Record<string, OperationKind<S, OperationSpec> | undefined>)[spec.kind];
  if (!kind) throw new Error(`"${String(spec.kind)}" is not an operation kind: use ${Object.keys(KINDS).join(', ')}`);
  return kind;
}

/** Checks a spec (and a mix's items), failing with what is wrong and what to write. */
export function validateOperation(spec: OperationSpec): void {
  kindOf(spec).validate(spec);
  if (spec.kind === 'mix') for (const item of spec.items) validateOperation(item.op);
}

/** What a spec does, in words (preflight's error names it). */
export function describeOperation(spec: OperationSpec): string {
  return kindOf(spec).describe(spec);
}

/** Builds the engine operation for a spec; one keep-alive agent is shared by all VUs of the thread. */
export function createOperation(spec: OperationSpec, dispatcher?: Dispatcher): LoadOperation {
  validateOperation(spec);
  const agent = dispatcher ?? createDispatcher({ connections: spec.connections ?? 256, pipelining: spec.pipelining ?? 1, client: spec.client });
  const close = async () => {
    if (!dispatcher) await agent.close();
  };
  return kindOf(spec).create(spec, { agent, close, build: createOperation });
}

/** The k6 form of a single operation: a JS function expression `(vu) => boolean` (see OperationKind.k6). */
export function k6Operation(spec: SingleOperationSpec, ctx: K6Context): string {
  const k6 = kindOf(spec).k6;
  if (!k6) throw new Error(`a ${spec.kind} operation has no k6 form`);
  return k6(spec, ctx);
}

/** Leaves an operation ready for reuse: warm-up and measured phases can share it, only the last closes it. */
export function withoutClose(op: LoadOperation): LoadOperation {
  return { iterate: op.iterate };
}
