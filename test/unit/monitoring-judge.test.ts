import {
  buildReferenceProfiles,
  metricValue,
  decideRetrain,
  judgeWindow,
  monitoringSpecSchema,
  monitorPolicy,
  monitorWindow,
  parseModelSpec,
  summarizeReport,
  type JudgeInput,
  type MonitorSummary,
} from '../../src/domain';
import type { Row } from '../../src/domain/ml';
import { weatherSpec } from '../support/specs';

const features = [
  { name: 'temp', type: 'numeric' as const },
  { name: 'city', type: 'categorical' as const },
];
// A deterministic reference of 400 rows: temperatures 0..39.9, two cities, two labels.
const reference: Row[] = Array.from({ length: 400 }, (_, i) => ({ temp: (i * 7919) % 400 / 10, city: i % 2 ? 'Seattle' : 'Portland', y: i % 3 ? 'sun' : 'rain' }));
const profiles = buildReferenceProfiles(reference, features, 'y');

function input(rows: Row[], monitoring: object = {}, extra: Partial<JudgeInput> = {}): JudgeInput {
  return {
    id: 'r1',
    model: 'm',
    version: 1,
    profileId: 'p1',
    window: { start: '2026-11-22T10:00:00.000Z', end: '2026-11-22T11:00:00.000Z' },
    createdAt: '2026-11-22T11:00:01.000Z',
    features,
    profiles,
    data: {
      rows: rows.length,
      columns: Object.fromEntries(features.map((f) => [f.name, { present: rows.filter((r) => f.name in r).length, values: rows.map((r) => r[f.name] ?? null) }])),
      predicted: rows.map(() => 'sun'),
    },
    monitoring: monitoringSpecSchema.parse({ minRows: 50, ...monitoring }),
    ...extra,
  };
}

test('the same distribution is ok; a shifted one drifts with the automatic tests (KS for ≤ 1,000 reference rows, z-test for two categories)', () => {
  const same = judgeWindow(input(reference.slice(0, 200)));
  expect(same.verdict).toBe('ok');
  expect(same.drift.features.map((f) => [f.feature, f.method])).toEqual([['temp', 'ks'], ['city', 'ztest']]);
  const shifted = judgeWindow(input(reference.slice(0, 200).map((r) => ({ ...r, temp: (r.temp as number) + 15, city: 'Boston' }))));
  expect(shifted.verdict).toBe('drift');
  expect(shifted.drift.dataset).toMatchObject({ driftedShare: 1, drifted: ['temp', 'city'] });
  expect(shifted.problems).toContain('city: 1 categories never seen in training (Boston) in 100.0 % of rows');
});

test('per-feature overrides: another test and threshold, or leaving a feature out of the share', () => {
  const rows = reference.slice(0, 200).map((r) => ({ ...r, temp: (r.temp as number) + 3 }));
  const psi = judgeWindow(input(rows, { features: { temp: { method: 'psi', threshold: 0.5 } } }));
  expect(psi.drift.features[0]).toMatchObject({ method: 'psi', methodChoice: 'override', threshold: 0.5 });
  const ignored = judgeWindow(input(rows, { features: { temp: { ignore: true } } }));
  expect(ignored.drift.features.map((f) => f.feature)).toEqual(['city']);
});

test('null-rate changes and missing keys are reported as problems', () => {
  const rows = reference.slice(0, 100).map((r, i) => (i < 40 ? { city: r['city'] ?? null } : r));
  const report = judgeWindow(input(rows));
  expect(report.problems).toEqual(expect.arrayContaining(['temp: absent from 40 of 100 predictions', 'temp: null rate 0.0 % in training, 40.0 % in the window']));
});

test('performance: realized accuracy against the evaluated one, unknown labels counted as errors', () => {
  const labelled = Array.from({ length: 40 }, (_, i) => ({ truth: i < 20 ? 'sun' : i < 30 ? 'rain' : 'hail', probabilities: { sun: 0.9, rain: 0.1 } }));
  const report = judgeWindow(
    input(reference.slice(0, 100), { performance: { metric: 'accuracy', maxDrop: 0.1, minLabels: 30 } }, {
      performance: { window: { start: 'a', end: 'b' }, labelled, classes: ['rain', 'sun'], evaluated: { accuracy: 0.8, macroF1: 0.5, logLoss: 0.5, rows: 100 } },
    }),
  );
  expect(report.performance).toMatchObject({ judged: true, labelledRows: 40, unknownLabels: 10, degraded: true });
  expect(metricValue(report.performance?.realized, 'accuracy')).toBeCloseTo(0.5, 12);
  expect(report.performance?.drop).toBeCloseTo(0.3, 12);
  expect(report.verdict).toBe('degraded');
  expect(report.problems).toContain('labels: 10 labels name no class of the model (counted as errors)');
});

test('windows start where the previous report ended, at most one window back', () => {
  const h = 3_600_000;
  expect(monitorWindow('2026-11-22T12:00:00Z', null, h)).toEqual({ start: '2026-11-22T11:00:00.000Z', end: '2026-11-22T12:00:00.000Z' });
  expect(monitorWindow('2026-11-22T12:00:00Z', '2026-11-22T11:40:00.000Z', h).start).toBe('2026-11-22T11:40:00.000Z');
  expect(monitorWindow('2026-11-22T12:00:00Z', '2026-11-22T09:00:00.000Z', h).start).toBe('2026-11-22T11:00:00.000Z');
  expect(monitorWindow('2026-11-22T12:00:00Z', '2026-11-22T12:00:00.000Z', h).start).toBe('2026-11-22T11:00:00.000Z');
});

test('the retrain decision: findings only, unless disabled, backfilled or cooling down', () => {
  const drifted = judgeWindow(input(reference.slice(0, 200).map((r) => ({ ...r, temp: (r.temp as number) + 15, city: 'Boston' }))));
  const policy = monitorPolicy(monitoringSpecSchema.parse({ cooldown: '1h' }));
  const end = Date.parse(drifted.window.end);
  const summary = (overrides: Partial<MonitorSummary> = {}): MonitorSummary => ({ ...summarizeReport(drifted, policy, null), ...overrides });
  expect(decideRetrain(summary(), end + 5_000, end + 1_000)).toMatchObject({ action: 'retrain', kind: 'drift', reason: expect.stringMatching(/^drift in 2\/2 features \(temp, city; share 1\.00 ≥ 0\.5\) — report r1/) });
  expect(decideRetrain(summary({ verdict: 'ok' }), end, end)).toEqual({ action: 'none', detail: 'no drift or degradation' });
  expect(decideRetrain(summary({ policy: { ...policy, retrain: false } }), end, end).action).toBe('disabled');
  expect(decideRetrain(summary(), end + 3 * 3_600_000, end + 3 * 3_600_000).action).toBe('backfill');
  const cooling = decideRetrain(summary({ lastRetrainAt: new Date(end - 600_000).toISOString() }), end + 1_000, end);
  expect(cooling).toMatchObject({ action: 'cooldown', detail: expect.stringMatching(/next may start after 2026-11-22T11:50:00\.000Z/) });
  expect(decideRetrain(summary({ lastRetrainAt: new Date(end - 2 * 3_600_000).toISOString() }), end + 1_000, end).action).toBe('retrain');
  expect(decideRetrain(summary({ verdict: 'degraded' }), end, end)).toMatchObject({ action: 'retrain', kind: 'performance' });
});

test('the spec refuses monitoring overrides of unknown features and malformed durations', () => {
  const bad = parseModelSpec({ ...weatherSpec(), monitoring: { window: 'an hour', features: { humidity: { threshold: 0.2 } } } });
  expect(bad.ok).toBe(false);
  if (!bad.ok) {
    expect(bad.problems).toEqual(expect.arrayContaining([expect.stringMatching(/^monitoring\.window: a duration/), 'monitoring.features.humidity: "humidity" is not a feature of this spec']));
  }
  const good = parseModelSpec({ ...weatherSpec(), monitoring: { performance: {} } });
  expect(good.ok && good.spec.monitoring).toMatchObject({ window: '1h', minRows: 100, driftShare: 0.5, cooldown: '6h', performance: { metric: 'accuracy', maxDrop: 0.1, minLabels: 30 }, retrain: { enabled: true } });
});
