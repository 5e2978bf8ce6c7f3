import { modelSpecSchema, validateDataset, type DatasetProfile } from '../../src/domain';

const spec = modelSpecSchema.parse({
  name: 'm1',
  dataset: { path: 'x.csv' },
  target: { name: 'label', classes: ['a', 'b'] },
  minRows: 3,
  features: [
    { name: 'x', type: 'numeric', min: 0, max: 10, maxNullFraction: 0.5 },
    { name: 'city', type: 'categorical', categories: ['A', 'B'] },
  ],
});

const good: DatasetProfile = {
  rowCount: 4,
  columns: [
    { name: 'x', type: 'DOUBLE', nullCount: 1, min: 0, max: 9, nonFiniteCount: 0 },
    { name: 'city', type: 'VARCHAR', nullCount: 0, distinct: ['A', 'B'] },
    { name: 'label', type: 'VARCHAR', nullCount: 0, distinct: ['a', 'b'] },
  ],
};

test('a conforming profile passes every check', () => {
  const report = validateDataset(good, spec);
  expect(report.failures).toEqual([]);
  expect(report.passed).toBe(true);
  expect(report.checks.length).toBeGreaterThanOrEqual(7);
});

test('each kind of problem is named', () => {
  const bad: DatasetProfile = {
    rowCount: 2,
    columns: [
      { name: 'x', type: 'VARCHAR', nullCount: 2 },
      { name: 'label', type: 'VARCHAR', nullCount: 1, distinct: ['a', 'z'] },
    ],
  };
  const report = validateDataset(bad, spec);
  expect(report.passed).toBe(false);
  expect(report.failures).toEqual(
    expect.arrayContaining([
      expect.stringMatching(/row-count — 2 rows \(minimum 3\)/),
      expect.stringMatching(/^x: type — VARCHAR is not numeric/),
      expect.stringMatching(/^x: nulls — 2 nulls \(100\.00 %/),
      expect.stringMatching(/^city: column-present/),
      expect.stringMatching(/^label: nulls — 1 null labels/),
      expect.stringMatching(/^label: target-classes — undeclared labels: z/),
    ]),
  );
});

test('out-of-range and non-finite numerics fail the range check', () => {
  const profile: DatasetProfile = { ...good, columns: good.columns.map((c) => (c.name === 'x' ? { ...c, min: -1, nonFiniteCount: 2 } : c)) };
  expect(validateDataset(profile, spec).failures).toEqual([expect.stringMatching(/^x: range — observed \[-1, 9\].*2 NaN\/Inf values/)]);
});
