import type { ModelSpecInput } from '../../src/domain';
import { weatherCsv } from './paths';

/** The weather classifier spec used across tests (same shape as examples/weather-classifier.json). */
export function weatherSpec(overrides: Partial<ModelSpecInput> = {}): ModelSpecInput {
  return {
    name: 'weather-test',
    dataset: { path: weatherCsv, format: 'csv' },
    target: { name: 'weather' },
    features: [
      { name: 'location', type: 'categorical', categories: ['Seattle', 'New York'] },
      { name: 'precipitation', type: 'numeric', min: 0, max: 500 },
      { name: 'temp_max', type: 'numeric', min: -50, max: 60 },
      { name: 'temp_min', type: 'numeric', min: -60, max: 50 },
      { name: 'wind', type: 'numeric', min: 0, max: 100 },
    ],
    training: { epochs: 60, learningRate: 0.5, l2: 0.001, seed: 7, classWeight: 'none', algorithm: 'logistic-regression' },
    thresholds: { minAccuracy: 0.5 },
    ...overrides,
  };
}
