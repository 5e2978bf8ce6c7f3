import { isRegressionSummary, type EvaluationReport, type MetricSummary } from './lifecycle';

/**
 * Candidate vs champion as rows of text, for whoever shows an evaluation to an approver (the Temporal UI's
 * details, the CLI): accuracy / macro-F1 / log-loss for classifiers, RMSE / MAE / R² for regression.
 */
type MetricName = 'accuracy' | 'macroF1' | 'logLoss' | 'auc' | 'rmse' | 'mae' | 'r2';

const COLUMNS = {
  classification: [
    ['accuracy', 'accuracy', 'pct'],
    ['macro-F1', 'macroF1', 'fixed'],
    ['log-loss', 'logLoss', 'fixed'],
  ],
  regression: [
    ['RMSE', 'rmse', 'fixed'],
    ['MAE', 'mae', 'fixed'],
    ['R²', 'r2', 'fixed'],
  ],
} as const satisfies Record<string, readonly (readonly [string, MetricName, 'pct' | 'fixed'])[]>;

/** One figure of a summary by name (undefined when that kind of model has no such figure). */
export function metricValue(m: MetricSummary | null | undefined, name: MetricName | 'rows'): number | undefined {
  return (m as Partial<Record<MetricName | 'rows', number>> | null | undefined)?.[name];
}

/** How a percentage ends: the UI's details write "75.8 %", the CLI "75.8%". */
export type PercentStyle = ' %' | '%';

const text = (v: number | undefined, format: 'pct' | 'fixed', sign = false, percent: PercentStyle = ' %') => {
  if (v === undefined || !Number.isFinite(v)) return '–';
  const body = format === 'pct' ? `${(v * 100).toFixed(1)}${percent}` : v.toFixed(4);
  return sign && v >= 0 ? `+${body}` : body;
};

export function metricComparison(
  e: EvaluationReport,
  percent: PercentStyle = ' %',
): { headers: string[]; rows: string[][] } {
  const columns = isRegressionSummary(e.candidate) ? COLUMNS.regression : COLUMNS.classification;
  const row = (label: string, m: MetricSummary) => [
    label,
    ...columns.map(([, name, format]) => text(metricValue(m, name), format, false, percent)),
  ];
  const rows = [row('candidate', e.candidate)];
  const champion = e.champion;
  if (champion) {
    rows.push(row(`champion v${champion.version}`, champion.metrics));
    const difference = columns.map(([, name, format]) => {
      const a = metricValue(e.candidate, name);
      const b = metricValue(champion.metrics, name);
      return text(a !== undefined && b !== undefined ? a - b : undefined, format, true, percent);
    });
    rows.push(['difference', ...difference]);
  }
  return { headers: ['', ...columns.map(([header]) => header)], rows };
}

/** "accuracy 81.2 %, macro-F1 0.7012" or "RMSE 2.1034, R² 0.8123": a version's headline figures. */
export function headlineMetrics(m: MetricSummary, percent: PercentStyle = ' %'): string {
  const columns = isRegressionSummary(m)
    ? [COLUMNS.regression[0], COLUMNS.regression[2]]
    : COLUMNS.classification.slice(0, 2);
  const figure = ([header, name, format]: (typeof columns)[number]) =>
    `${header} ${text(metricValue(m, name), format, false, percent)}`;
  return columns.map(figure).join(', ');
}
