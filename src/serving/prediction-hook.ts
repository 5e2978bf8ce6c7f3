import { randomUUID } from 'node:crypto';
import { predictionId, type PredictionRecord, type PredictionRole, type PredictionSink } from '../domain';
import type { Prediction } from '../domain/ml';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The caller's `x-request-id` when well-formed, a fresh UUID when absent, or an error message. */
export function requestIdFrom(header: string | string[] | undefined): { id: string } | { error: string } {
  if (header === undefined) return { id: randomUUID() };
  if (typeof header === 'string' && REQUEST_ID.test(header)) return { id: header };
  return { error: 'x-request-id must be 1-128 characters of letters, digits and . _ : -' };
}

/** Hands one record per instance to the sink (ids per `predictionId`); the sink buffers, nothing waits on disk. */
export function recordPredictions(
  sink: PredictionSink,
  served: { model: string; version: number; role: PredictionRole; requestId: string },
  instances: readonly Readonly<Record<string, number | string | boolean | null>>[],
  outputs: readonly Prediction[],
): void {
  const time = new Date().toISOString();
  instances.forEach((features, i) => {
    const output = outputs[i];
    if (!output) return;
    const record: PredictionRecord = { requestId: predictionId(served.requestId, i, instances.length), time, model: served.model, version: served.version, role: served.role, features, output };
    sink.record(record);
  });
}
