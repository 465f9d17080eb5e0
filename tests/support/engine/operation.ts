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
}

export type Outcome =
  | { ok: true; name?: string; bytesIn?: number; bytesOut?: number }
  | { ok: false; failure: Failure; name?: string; bytesIn?: number; bytesOut?: number };

/** One iteration. Return an outcome, or nothing for success; a throw is classified, never fatal. */
export type Operation = (ctx: IterationContext) => Promise<Outcome | void>;

export interface LoadOperation {
  iterate: Operation;
  /** Called once after the run, to close pools or sessions. */
  close?: () => Promise<void>;
}

/** A module that can build an operation inside a worker thread. */
export interface OperationModule<P = unknown> {
  createOperation(params: P): LoadOperation | Promise<LoadOperation>;
}
