import { modelSpecSchema, type ModelSpec } from '../src/domain';

/**
 * The benches' flights-3m task: on-time status from distance and hour plus origin and destination (~230 values
 * each), over a Parquet file. `training` defaults to the built-in trainer.
 */
export function flightsStatusSpec(name: string, dataset: string, training?: Record<string, unknown>): ModelSpec {
  return modelSpecSchema.parse({
    name,
    dataset: { path: dataset, format: 'parquet' },
    target: { name: 'status' },
    features: [
      { name: 'distance', type: 'numeric', min: 0, max: 10_000 },
      { name: 'hour', type: 'numeric', min: 0, max: 24 },
      { name: 'origin', type: 'categorical' },
      { name: 'destination', type: 'categorical' },
    ],
    minRows: 1000,
    ...(training ? { training } : {}),
    thresholds: { minAccuracy: 0.5 },
  });
}
