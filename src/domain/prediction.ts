/**
 * One served prediction, as handed to a `PredictionSink`: the model server records every row it scores for a
 * caller (`primary` = stable version, `canary` = candidate answering a share of traffic) and every row a
 * shadow candidate scores on a copy of traffic (`shadow`: logged, never returned).
 */
export type PredictionRole = 'primary' | 'canary' | 'shadow';

export type FeatureValue = number | string | boolean | null;

export interface PredictionRecord {
  /** The request's id (`x-request-id` when the caller sent one) and the row's index in the batch. */
  readonly requestId: string;
  readonly row: number;
  /** ISO-8601 time the row was scored. */
  readonly at: string;
  readonly model: string;
  readonly version: number;
  readonly role: PredictionRole;
  readonly features: Readonly<Record<string, FeatureValue>>;
  readonly label: string;
  readonly probabilities: Readonly<Record<string, number>>;
}

/** What one request had one model version score: the model server's unit of recording (one call, all rows). */
export interface ScoredRequest {
  readonly requestId: string;
  /** When the rows were scored, ms since the epoch (a record's `at` is its ISO-8601 form). */
  readonly at: number;
  readonly model: string;
  readonly version: number;
  readonly role: PredictionRole;
  /** The version's features, in order: each row holds exactly these (the server checked it). */
  readonly features: readonly { readonly name: string; readonly type: 'numeric' | 'categorical' }[];
  readonly rows: readonly Readonly<Record<string, FeatureValue>>[];
  readonly outcome: ScoredOutcome;
}

export type ScoredOutcome =
  /** Per row its label (index into `classes`) and its probabilities (rows × classes, in `classes` order). */
  | { readonly kind: 'classification'; readonly classes: readonly string[]; readonly labels: Uint16Array; readonly probabilities: Float64Array }
  /** Per row the predicted value (logged as text in `label`, with no probabilities). */
  | { readonly kind: 'regression'; readonly values: Float64Array };

/** The records of a scored request, one per row: what a sink stores for it. */
export function scoredRecords(s: ScoredRequest): PredictionRecord[] {
  const at = new Date(s.at).toISOString();
  const o = s.outcome;
  return s.rows.map((features, row) => {
    const where = { requestId: s.requestId, row, at, model: s.model, version: s.version, role: s.role };
    if (o.kind === 'regression') return { ...where, features, label: String(o.values[row]), probabilities: {} };
    const k = o.classes.length;
    const probabilities: Record<string, number> = {};
    for (let c = 0; c < k; c++) probabilities[o.classes[c] as string] = o.probabilities[row * k + c] as number;
    return { ...where, features, label: o.classes[o.labels[row] as number] as string, probabilities };
  });
}

/**
 * Where the server sends what it scored. `record` and `recordScored` must not block or throw (they run on the
 * request path); `flush` persists whatever is buffered (called on shutdown and by tests).
 */
export interface PredictionSink {
  record(p: PredictionRecord): void;
  /** All rows of one request in one call: the model server's hot path (no record object per row). */
  recordScored(s: ScoredRequest): void;
  /**
   * Null while the sink keeps up; otherwise a promise the server awaits before answering, so a sustained overload
   * slows answers down rather than letting unwritten records pile up in memory.
   */
  backpressure(): Promise<void> | null;
  flush(): Promise<void>;
}

/** The default sink: records nothing. */
export const noopPredictionSink: PredictionSink = {
  record() {},
  recordScored() {},
  backpressure: () => null,
  flush: async () => {},
};
