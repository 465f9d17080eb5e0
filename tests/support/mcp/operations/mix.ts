import { classifyError } from '../../engine/errors.ts';
import type { OperationKind } from './kind.ts';

/** One user class of a mix: an operation of any other kind, its weight, and the name its figures go under. */
export interface MixItem<Single = unknown> {
  name: string;
  weight: number;
  op: Single;
}

export interface MixSpec<Single = unknown> {
  kind: 'mix';
  /**
   * Weighted operations, like user classes: each iteration runs one of them, chosen by smooth weighted
   * round-robin (so the shares hold exactly in every second, not just on average), recorded under its name.
   */
  items: MixItem<Single>[];
  connections?: number;
  pipelining?: number;
  client?: 'h1' | 'undici';
}

/** The mix kind over operations of type Single. */
export const mixKind = <Single>(): OperationKind<MixSpec<Single>, Single | MixSpec<Single>> => ({
  kind: 'mix',
  validate(spec) {
    weightedRoundRobin(spec.items.map((i) => i.weight), spec.items.map((i) => i.name));
  },
  describe: (spec) => `a mix of ${spec.items.map((i) => i.name).join(', ')}`,
  create(spec, { agent, close, build }) {
    const ops = spec.items.map((item) => ({ item, op: build(item.op, agent) }));
    const next = weightedRoundRobin(spec.items.map((i) => i.weight), spec.items.map((i) => i.name));
    return {
      iterate: async (ctx) => {
        const chosen = ops[next()]!;
        const name = chosen.item.name;
        ctx.name = name;
        try {
          const outcome = await chosen.op.iterate(ctx);
          return outcome ? { ...outcome, name } : { ok: true, name };
        } catch (error) {
          return { ok: false, failure: classifyError(error), name };
        }
      },
      close: async () => {
        await Promise.allSettled(ops.map((o) => o.op.close?.()));
        await close();
      },
    };
  },
});

/**
 * Smooth weighted round-robin (nginx's): returns the index of the next item. Over any window of
 * sum(weights) picks each item comes up exactly weight times, evenly spread.
 */
export function weightedRoundRobin(weights: number[], names: string[] = []): () => number {
  if (weights.length === 0) throw new Error('a mix needs at least one item');
  weights.forEach((w, i) => {
    if (!Number.isFinite(w) || w <= 0) throw new Error(`mix item "${names[i] ?? i}": weight must be a positive number, got ${w}`);
  });
  const total = weights.reduce((a, b) => a + b, 0);
  const current = weights.map(() => 0);
  return () => {
    let best = 0;
    for (let i = 0; i < weights.length; i++) {
      current[i]! += weights[i]!;
      if (current[i]! > current[best]!) best = i;
    }
    current[best]! -= total;
    return best;
  };
}

