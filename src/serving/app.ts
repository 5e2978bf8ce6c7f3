import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { timingSafeEqual } from 'node:crypto';
import { VersionNotFoundError, type ArtifactStore, type SqliteRegistry } from '../adapters';
import type { PredictionSink } from '../domain';
import { recordPredictions, requestIdFrom } from './prediction-hook';
import { ServedModels } from './model-registry-view';
import { describeIssues, MAX_BATCH } from './request-schema';

export interface ModelServerDeps {
  readonly registry: SqliteRegistry;
  readonly artifacts: ArtifactStore;
  readonly adminToken: string;
  readonly logger: Logger;
  /** Where each prediction is recorded for monitoring (the prediction log); none: not recorded. */
  readonly predictions?: PredictionSink;
}

function tokenMatches(header: string | undefined, token: string): boolean {
  const given = Buffer.from(header?.startsWith('Bearer ') ? header.slice(7) : '');
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * The model server: predictions over HTTP from whatever versions the registry's `production` aliases name,
 * and an admin API (bearer token) that loads a version and swaps it in without a restart.
 */
export async function buildModelServer(deps: ModelServerDeps): Promise<{ app: FastifyInstance; served: ServedModels }> {
  const served = new ServedModels(deps.registry, deps.artifacts);
  const app: FastifyInstance = Fastify({ loggerInstance: deps.logger.child({ component: 'model-server' }) as FastifyBaseLogger, bodyLimit: 4 * 1024 * 1024, disableRequestLogging: true });
  let ready = false;

  const requireAdmin = async (req: FastifyRequest, reply: FastifyReply) => {
    if (!tokenMatches(req.headers.authorization, deps.adminToken)) {
      await reply.code(401).send({ error: 'unauthorized', message: 'admin endpoints need "Authorization: Bearer <MLOPS_ADMIN_TOKEN>"' });
    }
  };

  app.setErrorHandler(async (err: Error & { statusCode?: number }, _req, reply) => {
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    if (status === 500) deps.logger.error({ err }, 'model server error');
    await reply.code(status).send({ error: status === 500 ? 'internal' : 'bad_request', message: status === 500 ? 'internal error' : err.message });
  });

  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_req, reply) => (ready ? { status: 'ready', models: served.list().length } : reply.code(503).send({ status: 'starting' })));

  app.get('/v1/models', async () => ({
    models: served.list().map((m) => ({ name: m.name, version: m.version, loadedAt: m.loadedAt, features: m.model.artifact.features, classes: m.model.artifact.classes })),
  }));

  app.get<{ Params: { name: string } }>('/v1/models/:name', async (req, reply) => {
    const m = served.get(req.params.name);
    if (!m) return reply.code(404).send({ error: 'not_found', message: `model "${req.params.name}" is not being served` });
    return { name: m.name, version: m.version, alias: 'production', loadedAt: m.loadedAt, features: m.model.artifact.features, classes: m.model.artifact.classes };
  });

  app.post<{ Params: { name: string } }>('/v1/models/:name/predict', async (req, reply) => {
    const m = served.get(req.params.name);
    if (!m) return reply.code(404).send({ error: 'not_found', message: `model "${req.params.name}" is not being served` });
    const parsed = m.requestSchema.safeParse(req.body);
    if (!parsed.success) return reply.code(400).send({ error: 'bad_request', message: describeIssues(parsed.error), maxBatch: MAX_BATCH });
    const requestId = requestIdFrom(req.headers['x-request-id']);
    if ('error' in requestId) return reply.code(400).send({ error: 'bad_request', message: requestId.error });
    const predictions = parsed.data.instances.map((row) => m.model.predict(row as Record<string, number | string | null>));
    if (deps.predictions) recordPredictions(deps.predictions, { model: m.name, version: m.version, role: 'primary', requestId: requestId.id }, parsed.data.instances as Record<string, number | string | boolean | null>[], predictions);
    return { model: m.name, version: m.version, requestId: requestId.id, predictions };
  });

  app.post<{ Params: { name: string }; Body: { version?: unknown } }>('/admin/models/:name/load', { preHandler: requireAdmin }, async (req, reply) => {
    const version = req.body?.version;
    if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
      return reply.code(400).send({ error: 'bad_request', message: 'body must be {"version": <positive integer>}' });
    }
    try {
      const m = await served.load(req.params.name, version);
      deps.logger.info({ model: m.name, version: m.version }, 'model version loaded');
      return { model: m.name, version: m.version, loadedAt: m.loadedAt };
    } catch (err) {
      if (err instanceof VersionNotFoundError) return reply.code(404).send({ error: 'not_found', message: err.message });
      return reply.code(422).send({ error: 'load_failed', message: (err as Error).message });
    }
  });

  await served.loadProduction();
  ready = true;
  return { app, served };
}
