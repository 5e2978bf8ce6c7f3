import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type onResponseHookHandler } from 'fastify';
import type { Logger } from 'pino';
import { randomBytes } from 'node:crypto';
import { lazyChildLogger } from './request-logger';
import { errorBody } from './server-context';
import type { ServingMetrics } from './serving-metrics';

/**
 * The model server's fastify instance before any route: request ids (`x-request-id`, taken from the caller or
 * made here, echoed on every answer), lazy request loggers, HTTP counters per route, and the uniform error and
 * not-found bodies. Apart from the routes, so the serving benchmark can measure this frame around a no-op route.
 */
export function createServingApp(logger: Logger, metrics: ServingMetrics): FastifyInstance {
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
  return app;
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
