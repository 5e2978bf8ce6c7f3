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

/**
 * Where the server sends prediction records. `record` must not block or throw (it runs on the request path);
 * `flush` persists whatever is buffered (called on shutdown and by tests).
 */
export interface PredictionSink {
  record(p: PredictionRecord): void;
  flush(): Promise<void>;
}

/** The default sink: records nothing. */
export const noopPredictionSink: PredictionSink = {
  record() {},
  flush: async () => {},
};
