/**
 * The order of each round of an interleaved comparison: every two rounds hold one "a b" and one "b a", which comes
 * first chosen by `random`. Balanced like A B B A, but a disturbance that recurs every few phases (a timer in a
 * gateway, the machine's own jobs) cannot fall on the same side round after round, as it can in a fixed cycle.
 */
export function balancedOrders<T>(count: number, random: () => number, a: T, b: T): [T, T][] {
  const orders: [T, T][] = [];
  while (orders.length < count) {
    const aFirst = random() < 0.5;
    orders.push(aFirst ? [a, b] : [b, a], aFirst ? [b, a] : [a, b]);
  }
  return orders.slice(0, count);
}
