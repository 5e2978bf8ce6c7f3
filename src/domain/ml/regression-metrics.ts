/** Held-out figures of a regression model (scikit-learn's definitions: R² = 1 − SSE/SST). */
export interface RegressionMetrics {
  readonly rmse: number;
  readonly mae: number;
  /** Coefficient of determination; for a constant truth 1 when exact, else 0 (as scikit-learn). */
  readonly r2: number;
  readonly rows: number;
}

export function regressionMetrics(truth: ArrayLike<number>, predicted: ArrayLike<number>): RegressionMetrics {
  const n = truth.length;
  if (predicted.length !== n) throw new Error(`${predicted.length} predictions for ${n} labels`);
  let sum = 0;
  for (let i = 0; i < n; i++) sum += truth[i] as number;
  const mean = n ? sum / n : 0;
  let sse = 0;
  let sae = 0;
  let sst = 0;
  for (let i = 0; i < n; i++) {
    const e = (predicted[i] as number) - (truth[i] as number);
    sse += e * e;
    sae += Math.abs(e);
    sst += ((truth[i] as number) - mean) ** 2;
  }
  return {
    rmse: n ? Math.sqrt(sse / n) : 0,
    mae: n ? sae / n : 0,
    r2: sst > 0 ? 1 - sse / sst : sse === 0 ? 1 : 0,
    rows: n,
  };
}
