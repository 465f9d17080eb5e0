import type { Failure } from './errors.ts';

/** State that lives as long as a VU: an MCP session, a connection, counters. */
export interface VuState {
  readonly id: number;
  /** Iterations this VU has started. */
  iteration: number;
  data: Record<string, unknown>;
}

export interface IterationContext {
  vu: VuState;
  /** Aborted when the iteration times out or the run is hard-stopped. Pass it to every request. */
  signal: AbortSignal;
  /** When the iteration was meant to start (engine clock, ms). */
  intendedAt: number;
  /**
   * The name this iteration records under, when not the scenario's (a mix item). Set it when the iteration
   * starts, so that a timeout the engine records for it lands under that name too.
   */
  name?: string;
}

/**
 * What an iteration reports. `sentAt` (engine clock, ms) is when its request was written to a connection,
 * where the operation knows it (the built-in HTTP operations on the h1 dispatcher): service time then
 * leaves out a wait for a free connection in the generator; otherwise it runs from the iteration's start.
 */
export type Outcome =
  | { ok: true; name?: string; bytesIn?: number; bytesOut?: number; sentAt?: number }
  | { ok: false; failure: Failure; name?: string; bytesIn?: number; bytesOut?: number; sentAt?: number };

/** One iteration. Return an outcome, or nothing for success; a throw is classified, never fatal. */
export type Operation = (ctx: IterationContext) => Promise<Outcome | void>;

/** How a callback-form iteration reports: an outcome (nothing for success), or an error to classify. Called once. */
export type IterationDone = (outcome: Outcome | void, error?: unknown) => void;

/**
 * The callback form of an iteration, for built-in operations on the engine's hot path: no promise and no
 * microtask per iteration. It must call done exactly once, and not throw (a throw counts as a failure).
 */
export type OperationStart = (ctx: IterationContext, done: IterationDone) => void;

export interface LoadOperation {
  iterate: Operation;
  /** The same iteration in callback form; the engine uses it instead of iterate when present. */
  start?: OperationStart;
  /** Called once after the run, to close pools or sessions. */
  close?: () => Promise<void>;
}

/** A module that can build an operation inside a worker thread. */
export interface OperationModule<P = unknown> {
  createOperation(params: P): LoadOperation | Promise<LoadOperation>;
}
