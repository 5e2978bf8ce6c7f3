/** datasetDrift and driftReport: share of judged features, threshold at equality, unjudged features. */

import { datasetDrift, datasetDriftResultSchema, driftReport, driftReportSchema, featureDrift } from '../../../src/domain/drift';
import type { FeatureDriftResult } from '../../../src/domain/drift';

function result(feature: string, judged: boolean, drifted: boolean): FeatureDriftResult {
  const r = featureDrift({ feature, kind: 'numeric', reference: [1, 2, 3], current: [1, 2, 3] });
  return { ...r, judged, drifted: judged && drifted, reason: judged ? null : 'current has no valid values' };
}

describe('datasetDrift', () => {
  it('drifts when the drifted share reaches the threshold (>=)', () => {
    const d = datasetDrift([result('a', true, true), result('b', true, false), result('c', true, true), result('d', true, false)]);
    expect(d).toEqual({
      judgedCount: 4,
      driftedCount: 2,
      driftedShare: 0.5,
      shareThreshold: 0.5,
      datasetDrift: true,
      drifted: ['a', 'c'],
      notJudged: [],
    });
    expect(datasetDriftResultSchema.parse(d)).toEqual(d);
  });

  it('below the threshold there is no dataset drift', () => {
    const d = datasetDrift([result('a', true, true), result('b', true, false), result('c', true, false)]);
    expect(d.driftedShare).toBeCloseTo(1 / 3, 15);
    expect(d.datasetDrift).toBe(false);
  });

  it('a custom share threshold', () => {
    const features = [result('a', true, true), result('b', true, false), result('c', true, false)];
    expect(datasetDrift(features, 0.3).datasetDrift).toBe(true);
    expect(datasetDrift(features, 0.9).datasetDrift).toBe(false);
  });

  it('unjudged features are listed and left out of the share', () => {
    const d = datasetDrift([result('a', true, true), result('b', false, false), result('c', true, false)]);
    expect(d).toMatchObject({ judgedCount: 2, driftedShare: 0.5, datasetDrift: true });
    expect(d.notJudged).toEqual([{ feature: 'b', reason: 'current has no valid values' }]);
  });

  it('nothing judged: no drift, share 0', () => {
    expect(datasetDrift([result('a', false, false)])).toMatchObject({ judgedCount: 0, driftedShare: 0, datasetDrift: false });
    expect(datasetDrift([])).toMatchObject({ judgedCount: 0, driftedShare: 0, datasetDrift: false });
  });
});

describe('driftReport', () => {
  it('runs every feature and validates as JSON', () => {
    const report = driftReport([
      { feature: 'shifted', kind: 'numeric', reference: [1, 2, 3, 4, 5, 6, 7, 8], current: [11, 12, 13, 14, 15, 16, 17, 18] },
      { feature: 'same', kind: 'categorical', reference: ['a', 'b', 'a', 'c'], current: ['a', 'b', 'c', 'a'] },
      { feature: 'empty', kind: 'numeric', reference: [1, 2], current: [] },
    ]);
    expect(report.dataset).toMatchObject({ judgedCount: 2, drifted: ['shifted'], datasetDrift: true });
    expect(report.dataset.notJudged.map((n) => n.feature)).toEqual(['empty']);
    expect(driftReportSchema.parse(JSON.parse(JSON.stringify(report)))).toEqual(report);
  });
});
