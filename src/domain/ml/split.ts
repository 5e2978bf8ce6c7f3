import { SeededRandom } from './random';

/** Stratified, seeded train/test split of row indices: each class keeps its share in both parts. */
export function stratifiedSplit(labels: readonly string[], testFraction: number, seed: number): { train: number[]; test: number[] } {
  const byClass = new Map<string, number[]>();
  labels.forEach((label, i) => {
    const list = byClass.get(label) ?? [];
    list.push(i);
    byClass.set(label, list);
  });
  const rng = new SeededRandom(seed);
  const train: number[] = [];
  const test: number[] = [];
  for (const label of [...byClass.keys()].sort()) {
    const idx = rng.shuffle(byClass.get(label) as number[]);
    // Classes with a single row stay in training: a model cannot learn a class it never sees.
    const nTest = idx.length > 1 ? Math.max(1, Math.round(idx.length * testFraction)) : 0;
    // Loops, not push(...spread): a class of millions of rows would overflow the call stack.
    for (let i = 0; i < idx.length; i++) (i < nTest ? test : train).push(idx[i] as number);
  }
  const ascending = (list: number[]): number[] => Array.from(Int32Array.from(list).sort());
  return { train: ascending(train), test: ascending(test) };
}
