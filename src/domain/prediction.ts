/**
 * What the model server records about each prediction, and the sink it hands records to. The sink is
 * pure contract: the file-backed prediction log (adapters) implements it, the server only calls `record`.
 */

/** Which part of a rollout answered: the primary version, a canary taking a share, or a shadow copy. */
export type PredictionRole = 'primary' | 'canary' | 'shadow';

export interface PredictionRecord {
  /** Joins delayed ground-truth labels to this prediction (`mlops labels`). */
  readonly requestId: string;
  /** ISO-8601 UTC time the prediction was made. */
  readonly time: string;
  readonly model: string;
  readonly version: number;
  readonly role: PredictionRole;
  /** The request's feature values, as validated by the server. */
  readonly features: Readonly<Record<string, number | string | boolean | null>>;
  readonly output: { readonly label: string; readonly probabilities: Readonly<Record<string, number>> };
}

/** Takes records off the request path: `record` never blocks or throws; `flush` persists what is buffered. */
export interface PredictionSink {
  record(p: PredictionRecord): void;
  flush(): Promise<void>;
}

/**
 * Id of the i-th prediction of a request: the request id itself for a single instance, `<id>:<i>` for
 * each instance of a batch, so every prediction can be labelled on its own.
 */
export function predictionId(requestId: string, index: number, batchSize: number): string {
  return batchSize === 1 ? requestId : `${requestId}:${index}`;
}
