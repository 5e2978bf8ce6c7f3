import type { GateCheck, RegressionSummary } from './lifecycle';
import type { Thresholds } from './spec';

const fmt = (v: number) => v.toFixed(4);
const signed = (v: number) => `${v >= 0 ? '+' : ''}${fmt(v)}`;

/**
 * The regression gate: RMSE and MAE at most, R² at least; against the champion on the same held-out rows,
 * RMSE/MAE may rise (lower is better) and R² may drop by at most the allowed amount.
 */
export function regressionGateChecks(
  candidate: RegressionSummary,
  champion: RegressionSummary | null,
  t: Thresholds,
): GateCheck[] {
  const checks: GateCheck[] = [];
  if (t.maxRmse !== undefined) {
    const detail = `RMSE ${fmt(candidate.rmse)} ≤ ${t.maxRmse}`;
    checks.push({ name: 'max-rmse', passed: candidate.rmse <= t.maxRmse, detail });
  }
  if (t.maxMae !== undefined) {
    const detail = `MAE ${fmt(candidate.mae)} ≤ ${t.maxMae}`;
    checks.push({ name: 'max-mae', passed: candidate.mae <= t.maxMae, detail });
  }
  if (t.minR2 !== undefined) {
    checks.push({ name: 'min-r2', passed: candidate.r2 >= t.minR2, detail: `R² ${fmt(candidate.r2)} ≥ ${t.minR2}` });
  }
  const vsChampion = [t.maxRmseRiseVsChampion, t.maxMaeRiseVsChampion, t.maxR2DropVsChampion]
    .filter((v) => v !== undefined);
  if (!champion) {
    if (vsChampion.length) {
      const detail = 'no regression champion to compare with: change-vs-champion checks skipped';
      checks.push({ name: 'vs-champion', passed: true, detail });
    }
    return checks;
  }
  const rise = (name: string, label: string, metric: 'rmse' | 'mae', allowed: number | undefined) => {
    if (allowed === undefined) return;
    const change = candidate[metric] - champion[metric];
    const detail = `${label} change ${signed(change)} vs champion (allowed rise ${allowed})`;
    checks.push({ name, passed: change <= allowed, detail });
  };
  rise('rmse-vs-champion', 'RMSE', 'rmse', t.maxRmseRiseVsChampion);
  rise('mae-vs-champion', 'MAE', 'mae', t.maxMaeRiseVsChampion);
  if (t.maxR2DropVsChampion !== undefined) {
    const change = candidate.r2 - champion.r2;
    const detail = `R² change ${signed(change)} vs champion (allowed drop ${t.maxR2DropVsChampion})`;
    checks.push({ name: 'r2-vs-champion', passed: -change <= t.maxR2DropVsChampion, detail });
  }
  return checks;
}
