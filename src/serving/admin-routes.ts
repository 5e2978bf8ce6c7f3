import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { timingSafeEqual } from 'node:crypto';
import { ArtifactIntegrityError, VersionNotFoundError } from '../adapters';
import { VersionUnhealthyError, type ModelRoute } from './model-router';
import { describeIssues, loadBodySchema, routeBodySchema, statsQuerySchema } from './request-schema';
import { errorBody, type ServerContext } from './server-context';

function tokenMatches(given: string, token: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

export const routeView = (r: ModelRoute) => ({
  model: r.name,
  stable: r.stable.version,
  candidate: r.candidate?.version ?? null,
  mode: r.mode,
  percent: r.percent,
  routedAt: r.routedAt,
});

/**
 * Admin API under /admin, every call with `Authorization: Bearer <MLOPS_ADMIN_TOKEN>`: load (and warm) a
 * version, route traffic (stable / canary percent / shadow copy), roll back to stable, read per-version stats.
 */
export function registerAdminRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const { router, logger } = ctx;

  const requireAdmin = async (req: FastifyRequest, reply: FastifyReply) => {
    const header = req.headers.authorization;
    if (!header) {
      return reply.code(401).header('www-authenticate', 'Bearer').send(errorBody(401, 'admin endpoints need "Authorization: Bearer <MLOPS_ADMIN_TOKEN>"', req.id));
    }
    if (!header.startsWith('Bearer ') || !tokenMatches(header.slice(7), ctx.adminToken)) {
      return reply.code(401).header('www-authenticate', 'Bearer error="invalid_token"').send(errorBody(401, 'the admin token is wrong', req.id));
    }
  };

  /** Maps a refused load to 404 (not registered) or 422 (artifact corrupt or unhealthy). */
  const loadFailure = (err: unknown, req: FastifyRequest, reply: FastifyReply) => {
    if (err instanceof VersionNotFoundError) return reply.code(404).send(errorBody(404, err.message, req.id));
    if (err instanceof ArtifactIntegrityError || err instanceof VersionUnhealthyError) return reply.code(422).send(errorBody(422, err.message, req.id));
    throw err;
  };

  app.register(
    async (admin) => {
      admin.addHook('onRequest', requireAdmin);

      admin.post<{ Params: { name: string } }>('/models/:name/load', async (req, reply) => {
        const body = loadBodySchema.safeParse(req.body);
        if (!body.success) return reply.code(400).send(errorBody(400, describeIssues(body.error), req.id));
        try {
          const v = await router.load(req.params.name, body.data.version);
          logger.info({ model: v.name, version: v.version, warmupMs: v.warmupMs }, 'model version loaded');
          return { model: v.name, version: v.version, loadedAt: v.loadedAt, warmupMs: v.warmupMs };
        } catch (err) {
          return loadFailure(err, req, reply);
        }
      });

      admin.put<{ Params: { name: string } }>('/models/:name/route', async (req, reply) => {
        const body = routeBodySchema.safeParse(req.body);
        if (!body.success) return reply.code(400).send(errorBody(400, describeIssues(body.error), req.id));
        try {
          const { stable, candidate, mode, percent } = body.data;
          const route = await router.setRoute(req.params.name, { stable, ...(candidate !== undefined ? { candidate } : {}), ...(mode ? { mode } : {}), ...(percent !== undefined ? { percent } : {}) });
          ctx.metrics.swaps.inc([route.name]);
          logger.info(routeView(route), 'model traffic routed');
          return routeView(route);
        } catch (err) {
          return loadFailure(err, req, reply);
        }
      });

      admin.post<{ Params: { name: string } }>('/models/:name/rollback', async (req, reply) => {
        const route = await router.rollback(req.params.name);
        if (!route) return reply.code(404).send(errorBody(404, `model "${req.params.name}" is not being served`, req.id));
        ctx.metrics.swaps.inc([route.name]);
        logger.info(routeView(route), 'model traffic rolled back to stable');
        return routeView(route);
      });

      admin.get<{ Params: { name: string }; Querystring: Record<string, string> }>('/models/:name/stats', async (req, reply) => {
        const query = statsQuerySchema.safeParse(req.query);
        if (!query.success) return reply.code(400).send(errorBody(400, describeIssues(query.error), req.id));
        const since = query.data.since ? Date.parse(query.data.since) : 0;
        return ctx.stats.window(req.params.name, since);
      });
    },
    { prefix: '/admin' },
  );
}
