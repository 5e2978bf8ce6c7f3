/**
 * @module domain — the pure floor: types, zod schemas of the spec and the workflow contract, the
 * failure catalogue, config schema and ML math. Nothing here performs I/O, so workflows may import it.
 */
export * from './failure-types';
export * from './spec';
export * from './training-spec';
export * from './hyper-search';
export * from './duration';
export * from './dataset';
export * from './blob-uri';
export * from './blob-store';
export * from './dataset-filter';
export * from './lifecycle';
export * from './metric-table';
export * from './governance';
export * from './config';
export * from './payload-keys';
export * from './prediction';
export * from './json-text';
export * from './rollout';
export * from './monitoring';
export * from './history';
export * from './run-memo';
export * as ml from './ml';
export * from './registry';
