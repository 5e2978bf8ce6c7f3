import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { ArtifactStore } from '../adapters';
import type { Registry } from '../domain';
import { noopPredictionSink, type PredictionSink } from '../domain';
import { registerAdminRoutes } from './admin-routes';
import { ModelRouter } from './model-router';
import { registerPredictRoutes } from './predict-routes';
import { errorBody, type ServerContext } from './server-context';
import { createServingApp } from './serving-app';
import { ServingMetrics } from './serving-metrics';
import { VersionStats } from './version-stats';
import { resumeRollouts, RouteStateFile } from './route-state';

export interface ModelServerDeps {
  readonly registry: Registry;
  readonly artifacts: ArtifactStore;
  readonly adminToken: string;
  readonly logger: Logger;
  /** Receives every served and shadow prediction; records nothing by default. */
  readonly sink?: PredictionSink;
  /** Where the splits of rollouts in progress are kept, so a restart resumes them (route-state.ts); none by default. */
  readonly routeStatePath?: string;
}

export interface ModelServer {
  readonly app: FastifyInstance;
  readonly router: ModelRouter;
  readonly stats: VersionStats;
}

/**
 * The model server: serves several models by name from whatever versions the registry's `production` aliases
 * name, splits traffic for canary and shadow rollouts, measures every version (Prometheus `/metrics` and the
 * windowed stats the rollout guards read), and swaps versions without a restart or a failed request.
 */
export async function buildModelServer(deps: ModelServerDeps): Promise<ModelServer> {
  const metrics = new ServingMetrics();
  const routeState = deps.routeStatePath ? new RouteStateFile(deps.routeStatePath) : null;
  let ready = false;
  const router = new ModelRouter(deps.registry, deps.artifacts, (routes) => {
    metrics.setRoutes(routes);
    if (ready) routeState?.save(routes); // not while starting: the saved splits are still to be resumed
  });
  const stats = new VersionStats();
  const logger = deps.logger.child({ component: 'model-server' });
  const ctx: ServerContext = { router, stats, metrics, sink: deps.sink ?? noopPredictionSink, adminToken: deps.adminToken, logger };
  const app = createServingApp(logger, metrics);
  app.addHook('onClose', async () => ctx.sink.flush());

  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (req, reply) => (ready ? { status: 'ready', models: router.list().length } : reply.code(503).send(errorBody(503, 'loading models', req.id))));
  app.get('/metrics', async (_req, reply) => reply.type(metrics.registry.contentType).send(metrics.render()));

  registerPredictRoutes(app, ctx);
  registerAdminRoutes(app, ctx);

  const splits = routeState?.load() ?? [];
  await router.loadProduction();
  await resumeRollouts(router, deps.registry, splits, logger);
  ready = true;
  routeState?.save(router.list());
  return { app, router, stats };
}
