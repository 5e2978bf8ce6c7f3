import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type onResponseHookHandler } from 'fastify';
import type { Logger } from 'pino';
import { randomBytes } from 'node:crypto';
import type { ArtifactStore } from '../adapters';
import type { Registry } from '../domain';
import { noopPredictionSink, type PredictionSink } from '../domain';
import { registerAdminRoutes } from './admin-routes';
import { ModelRouter } from './model-router';
import { registerPredictRoutes } from './predict-routes';
import { errorBody, type ServerContext } from './server-context';
import { ServingMetrics } from './serving-metrics';
import { VersionStats } from './version-stats';
import { lazyChildLogger } from './request-logger';
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
  const bootId = randomBytes(4).toString('hex');
  let requestCounter = 0;
  const app: FastifyInstance = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    bodyLimit: 4 * 1024 * 1024,
    logController: new LogController({ disableRequestLogging: true }),
    requestIdHeader: 'x-request-id',
    genReqId: () => `${bootId}-${++requestCounter}`,
    childLoggerFactory: lazyChildLogger, // req.log's pino child only when a request logs (request-logger.ts)
  });

  // Callback-style hooks: on every request, they avoid a promise per hook.
  app.addHook('onRequest', (req, reply, done) => {
    reply.header('x-request-id', req.id);
    done();
  });
  app.addHook('onClose', async () => ctx.sink.flush());
  // Each route counts its own responses with series bound once (a hook for every route, not one reading
  // `req.routeOptions`, which builds an object on each read); unmatched requests count in the 404 handler.
  app.addHook('onRoute', (route) => {
    const count = countResponses(metrics, route.url);
    route.onResponse = route.onResponse ? [count, ...[route.onResponse].flat()] : count;
  });

  app.setErrorHandler(async (err: Error & { statusCode?: number }, req, reply) => {
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    if (status === 500) logger.error({ err, requestId: req.id }, 'model server error');
    await reply.code(status).send(errorBody(status, status === 500 ? 'internal error' : err.message, req.id));
  });
  app.setNotFoundHandler(async (req, reply) => {
    metrics.http.inc([req.method, 'unmatched', '404']);
    return reply.code(404).send(errorBody(404, `no route ${req.method} ${req.url}`, req.id));
  });

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

/** A route's response counter: its series by method and status, bound on first use. */
function countResponses(metrics: ServingMetrics, url: string): onResponseHookHandler {
  const series = new Map<string, Map<number, { inc(): void }>>();
  return (req, reply, done) => {
    let byStatus = series.get(req.method);
    if (!byStatus) series.set(req.method, (byStatus = new Map()));
    let counter = byStatus.get(reply.statusCode);
    if (!counter) byStatus.set(reply.statusCode, (counter = metrics.http.bind([req.method, url, String(reply.statusCode)])));
    counter.inc();
    done();
  };
}
