// Entry for load worker threads: rebuilds the operation from its JSON spec.
import type { LoadOperation } from '../engine/operation.ts';
import { createOperation as build, type OperationSpec } from './operations.ts';

export function createOperation(spec: OperationSpec): LoadOperation {
  return build(spec);
}
