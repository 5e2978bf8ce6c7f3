/**
 * @module serving — the fastify model server: several models by name, predict (single row and batch), model
 * info, health, Prometheus metrics, canary/shadow traffic splitting with zero-downtime swaps, per-version
 * stats for the rollout guards, and the bearer-token admin API (load, route, rollback, stats).
 */
export { buildModelServer, type ModelServer, type ModelServerDeps } from './app';
export { ModelRouter, type LoadedVersion, type ModelRoute } from './model-router';
export { PredictionRing } from './prediction-ring';
export { MAX_BATCH } from './request-schema';
