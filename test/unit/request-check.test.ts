import {
  batchRequestSchema, compileRequestCheck, MAX_BATCH, singleRequestSchema,
} from '../../src/serving/request-schema';
import { LineBuffer } from '../../src/adapters/line-buffer';

// The predict route trusts the compiled check and asks zod only on a refusal: both must agree on every body.
const artifact = {
  features: [
    { name: 'temp_max', type: 'numeric' as const },
    { name: 'wind', type: 'numeric' as const },
    { name: 'location', type: 'categorical' as const },
  ],
};
const ok = { temp_max: 12.5, wind: null, location: 'Seattle' };

const rows: unknown[] = [
  ok,
  { ...ok, location: 3 },
  { ...ok, location: null },
  { ...ok, temp_max: 0, wind: -1e300 },
  { ...ok, temp_max: '12' },
  { ...ok, temp_max: true },
  { ...ok, temp_max: Infinity },
  { ...ok, temp_max: NaN },
  { ...ok, location: {} },
  { ...ok, location: ['a'] },
  { ...ok, extra: 1 },
  { temp_max: 1, wind: 2 },
  { temp_max: 1, wind: 2, location: undefined },
  { temp_max: 1, wind: 2, locatio: 'x' },
  { ...ok, '': 1 },
  Object.assign(Object.create({ inherited: 1 }) as object, ok),
  {},
  [],
  null,
  'row',
  7,
];

const singles: unknown[] = [
  ...rows.map((instance) => ({ instance })),
  { instance: ok, extra: 1 },
  { instances: [ok] },
  {},
  null,
  [ok],
  'x',
];

const batches: unknown[] = [
  ...rows.map((r) => ({ instances: [ok, r] })),
  { instances: [ok] },
  { instances: [] },
  { instances: Array.from({ length: MAX_BATCH }, () => ok) },
  { instances: Array.from({ length: MAX_BATCH + 1 }, () => ok) },
  { instances: ok },
  { instances: [ok], extra: 1 },
  { instance: ok },
  {},
  null,
  [[ok]],
];

test('the compiled predict-body check accepts exactly what the zod schemas accept', () => {
  const check = compileRequestCheck(artifact);
  const single = singleRequestSchema(artifact);
  const batch = batchRequestSchema(artifact);
  type Zod = { safeParse(b: unknown): { success: boolean } };
  const verdicts = (cases: unknown[], fast: (b: unknown) => boolean, zod: Zod) =>
    cases.map((body, i) => ({ i, fast: fast(body), zod: zod.safeParse(body).success }));
  for (const v of [...verdicts(singles, check.single, single), ...verdicts(batches, check.batch, batch)]) {
    expect({ case: v.i, accepted: v.fast }).toEqual({ case: v.i, accepted: v.zod });
  }
  // Both kinds of answer occur (the cases are not all on one side).
  expect(singles.filter((b) => check.single(b)).length).toBeGreaterThan(2);
  expect(batches.filter((b) => !check.batch(b)).length).toBeGreaterThan(10);
});

test('LineBuffer keeps lines in order across chunks, multi-byte text included, and after a put-back', () => {
  const lines = Array.from({ length: 500 }, (_, i) => `{"i":${i},"city":"Zürich ☀ ${'x'.repeat(i % 40)}"}`);
  const older = new LineBuffer(256); // tiny chunks: most appends start a new one
  lines.slice(0, 300).forEach((l) => older.append(l));
  const newer = new LineBuffer(256);
  lines.slice(300).forEach((l) => newer.append(l));
  const merged = older.prependTo(newer);
  expect(merged.count).toBe(500);
  expect(merged.bytes().toString('utf8')).toBe(`${lines.join('\n')}\n`);
  expect(new LineBuffer().bytes().length).toBe(0);
});
