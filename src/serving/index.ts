/** @module serving — the fastify model server: predict API, model info, health, and the admin load/swap API. */
export { buildModelServer, type ModelServerDeps } from './app';
export { ServedModels, type ServedModel } from './model-registry-view';
