import { gateChecks, type MetricSummary } from '../../../src/domain';

const metrics = (over: Partial<MetricSummary> = {}): MetricSummary => ({ accuracy: 0.8, macroF1: 0.6, logLoss: 0.5, rows: 100, ...over });

describe('machine gate (blessing)', () => {
  test('absolute thresholds pass and fail on their own metric', () => {
    const checks = gateChecks(metrics(), null, { minAccuracy: 0.85, minMacroF1: 0.5, maxLogLoss: 0.4 });
    expect(checks.map((c) => [c.name, c.passed])).toEqual([
      ['min-accuracy', false],
      ['min-macro-f1', true],
      ['max-log-loss', false],
    ]);
  });

  test('AUC is checked for binary models and fails closed when undefined', () => {
    expect(gateChecks(metrics({ auc: 0.9 }), null, { minAuc: 0.8 })).toEqual([expect.objectContaining({ name: 'min-auc', passed: true })]);
    expect(gateChecks(metrics(), null, { minAuc: 0.8 })).toEqual([expect.objectContaining({ name: 'min-auc', passed: false, detail: expect.stringMatching(/only defined for two classes/) })]);
  });

  test('change versus the champion: drops and rises within the allowance pass, beyond it fail', () => {
    const champion = metrics({ accuracy: 0.82, macroF1: 0.7, logLoss: 0.45 });
    const checks = gateChecks(metrics(), champion, { maxAccuracyDropVsChampion: 0.05, maxMacroF1DropVsChampion: 0.05, maxLogLossRiseVsChampion: 0.1 });
    expect(checks.map((c) => [c.name, c.passed])).toEqual([
      ['accuracy-vs-champion', true],
      ['macro-f1-vs-champion', false],
      ['log-loss-vs-champion', true],
    ]);
    expect(checks[1]?.detail).toMatch(/macro-F1 change -0.1000 vs champion \(allowed drop 0.05\)/);
  });

  test('without a champion the change checks are skipped, visibly', () => {
    expect(gateChecks(metrics(), null, { maxAccuracyDropVsChampion: 0 })).toEqual([{ name: 'vs-champion', passed: true, detail: expect.stringMatching(/no champion/) }]);
    expect(gateChecks(metrics(), null, {})).toEqual([]);
  });
});
