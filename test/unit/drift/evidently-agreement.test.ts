/**
 * featureDrift against Evidently 0.7.23's legacy ColumnDriftMetric (evidently-cases.json, made
 * by evidently_cases.py): same test chosen, same threshold, same verdict, and the score within
 * 1e-9 relative (+1e-300 absolute) — p-values and distances alike. The z-test gets 1e-15
 * absolute: Evidently computes 2·(1 − Φ(|z|)), which cancels to ~1e-16 absolute error; we use
 * the exact tail.
 */

import * as fs from 'fs';
import * as path from 'path';
import { featureDrift, type CategoricalInput, type NumericInput } from '../../../src/domain/drift';
import { byName, expectClose, generate, num, sampleOf, type Case, type Side } from './fixture-data';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const data: any = JSON.parse(fs.readFileSync(path.join(__dirname, '../../fixtures/drift/evidently-cases.json'), 'utf8'));

function input(side: Side | { values: Array<number | string | null> }, kind: 'numeric' | 'categorical'): NumericInput | CategoricalInput {
  if ('values' in side) {
    return side.values.map((v) => (v === 'inf' ? Infinity : v === '-inf' ? -Infinity : v)) as Array<number | null>;
  }
  const values = sampleOf(side);
  return kind === 'categorical' ? Array.from(generate(side.spec), (v) => `c${v}`) : values;
}

describe('Evidently ColumnDriftMetric agreement', () => {
  it('fixtures come from Evidently 0.7.23', () => expect(data.evidently).toBe('0.7.23'));

  it.each(byName(data.cases))('%s', (_name: string, c: Case) => {
    const result = featureDrift({
      feature: c.name,
      kind: c.kind,
      reference: input(c.reference, c.kind),
      current: input(c.current, c.kind),
      override: c.override,
    });
    expect(result.judged).toBe(true);
    expect(result.method).toBe(c.method);
    expect(result.threshold).toBe(num(c.threshold));
    expect(result.drifted).toBe(c.drifted);
    expectClose(result.score!, num(c.score), 1e-9, c.method === 'ztest' ? 1e-15 : 1e-300, `${c.name} score`);
  });
});
