/** A dataset row as read from DuckDB: feature name → number, string or null. */
export type Row = Record<string, number | string | null>;

export interface FeatureRef {
  readonly name: string;
  readonly type: 'numeric' | 'categorical';
}

export interface ClassificationMetrics {
  readonly accuracy: number;
  readonly macroF1: number;
  readonly logLoss: number;
  /** Only for binary targets. */
  readonly auc?: number;
  readonly rows: number;
  readonly perClass: Record<string, { precision: number; recall: number; f1: number; support: number }>;
}
