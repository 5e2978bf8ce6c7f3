import type { FastifyInstance, FastifyReply, FastifyRequest, onResponseHookHandler } from 'fastify';
import { noopPredictionSink, type PredictionRole } from '../domain';
import { argmaxLabels } from '../domain/ml';
import type { LoadedVersion, ModelRoute, ModelRouter } from './model-router';
import type { PredictionJson } from './prediction-json';
import { describeIssues, MAX_BATCH } from './request-schema';
import { errorBody, type ServerContext } from './server-context';
import type { RequestOutcome } from './version-stats';
import type { VersionMeters } from './serving-metrics';

type Row = Record<string, number | string | null>;

type Picked = NonNullable<ReturnType<ModelRouter['pick']>>;

declare module 'fastify' {
  interface FastifyRequest {
    /** Which version and role answered a predict request, for the response hook's measurements. */
    predictServedBy: Picked | null;
  }
}

const outcomeOf = (status: number): RequestOutcome => (status < 400 ? 'ok' : status < 500 ? 'rejected' : 'error');

function modelInfo(route: ModelRoute) {
  const v = route.stable;
  return {
    name: route.name,
    version: v.version,
    alias: 'production',
    loadedAt: v.loadedAt,
    features: v.model.features,
    format: v.format,
    kind: v.kind,
    classes: v.classes,
    rollout: route.candidate ? { candidate: route.candidate.version, mode: route.mode, percent: route.percent, since: route.routedAt } : null,
  };
}

const valuesJson = { value: { type: 'number' }, values: { type: 'array', items: { type: 'number' } } } as const;
const predictionJson = { type: 'object', properties: { label: { type: 'string' }, probabilities: { type: 'object', additionalProperties: { type: 'number' } } } } as const;
/** Serialised by a compiled serializer rather than JSON.stringify: most of the request path is the answer. */
const predictResponseSchema = {
  200: {
    type: 'object',
    properties: { model: { type: 'string' }, version: { type: 'integer' }, requestId: { type: 'string' }, prediction: predictionJson, predictions: { type: 'array', items: predictionJson }, ...valuesJson },
  },
} as const;

/** Public API: model info and predictions (single row or batch), with canary routing and shadow copies. */
export function registerPredictRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const { router, stats, metrics, sink } = ctx;

  const meterCache = new WeakMap<LoadedVersion, Partial<Record<PredictionRole, VersionMeters>>>();
  const metersOf = (v: LoadedVersion, role: PredictionRole): VersionMeters => {
    let perRole = meterCache.get(v);
    if (!perRole) meterCache.set(v, (perRole = {}));
    return (perRole[role] ??= metrics.meters(v.name, v.version, role, v.classes));
  };
  const recording = sink !== noopPredictionSink;

  /** Measures a classifier's rows and hands them to the sink in one call (encoded there, no object per row). */
  const recordLabels = (v: LoadedVersion, role: PredictionRole, requestId: string, rows: readonly Row[], labels: Uint16Array, probabilities: Float64Array, primaryLabels?: readonly string[]) => {
    const meters = metersOf(v, role);
    const agreed = primaryLabels ? Array.from(labels, (l, i) => v.classes[l] === primaryLabels[i]) : undefined;
    stats.rows(v.name, v.version, role, v.classes, labels, agreed);
    for (let i = 0; i < labels.length; i++) meters.label(labels[i] as number);
    agreed?.forEach((a) => meters.agreement(a));
    meters.rows(labels.length);
    if (recording) {
      const outcome = { kind: 'classification' as const, classes: v.classes, labels, probabilities };
      sink.recordScored({ requestId, at: Date.now(), model: v.name, version: v.version, role, features: v.model.features, rows, outcome });
    }
  };

  /** Regression: each row's value feeds the guards' sample and the log (as text in `label`, no probabilities). */
  const recordValues = (v: LoadedVersion, role: PredictionRole, requestId: string, rows: readonly Row[], values: Float64Array) => {
    stats.values(v.name, v.version, role, values);
    metersOf(v, role).rows(values.length);
    if (recording) {
      const outcome = { kind: 'regression' as const, values };
      sink.recordScored({ requestId, at: Date.now(), model: v.name, version: v.version, role, features: v.model.features, rows, outcome });
    }
  };

  const observe = (v: LoadedVersion, role: PredictionRole, status: number, ms: number) => {
    const outcome = outcomeOf(status);
    stats.request(v.name, v.version, role, v.classes, ms, outcome);
    metersOf(v, role).request(status, ms / 1000, outcome === 'ok' ? null : outcome === 'rejected' ? 'rejected' : 'internal');
  };

  /** The candidate scores a copy of the rows after the caller has its answer; its output is only recorded. */
  const scoreShadow = async (candidate: LoadedVersion, requestId: string, rows: readonly Row[], primaryLabels: readonly string[]) => {
    const started = performance.now();
    let status = 200;
    const body = { instances: rows };
    if (!candidate.check.batch(body) && !candidate.batchSchema.safeParse(body).success) status = 400;
    else if ('kind' in candidate.model) status = 400; // shadow judges label agreement: not for regression models
    else {
      try {
        const probabilities = await candidate.model.probabilityMatrix(rows);
        const labels = argmaxLabels(probabilities, candidate.classes.length);
        recordLabels(candidate, 'shadow', requestId, rows, labels, probabilities, primaryLabels);
      } catch (err) {
        status = 500;
        ctx.logger.warn({ err, model: candidate.name, version: candidate.version }, 'shadow scoring failed');
      }
    }
    observe(candidate, 'shadow', status, performance.now() - started);
  };

  // A property every request object has from birth (one hidden class), not a WeakMap entry per request.
  app.decorateRequest('predictServedBy', null);
  const measureServed: onResponseHookHandler = (req, reply, done) => {
    const served = req.predictServedBy;
    if (served) observe(served.served, served.role, reply.statusCode, reply.elapsedTime);
    done();
  };

  app.get('/v1/models', async () => ({ models: router.list().map(modelInfo) }));

  app.get<{ Params: { name: string } }>('/v1/models/:name', async (req, reply) => {
    const route = router.route(req.params.name);
    if (!route) return reply.code(404).send(errorBody(404, `model "${req.params.name}" is not being served`, req.id));
    return modelInfo(route);
  });

  /** The answer to valid rows; a promise only when the model scores off-thread (ONNX). */
  const answer = (req: FastifyRequest, reply: FastifyReply, picked: Picked, rows: Row[], single: boolean): unknown => {
    const { route, served, role } = picked;
    if ('kind' in served.model) {
      const head = { model: served.name, version: served.version, requestId: req.id };
      const values = served.model.predictValues(rows);
      recordValues(served, role, req.id, rows, values);
      return single ? { ...head, value: values[0] } : { ...head, values: Array.from(values) };
    }
    const classified = (probabilities: Float64Array): string => {
      const labels = argmaxLabels(probabilities, served.classes.length);
      recordLabels(served, role, req.id, rows, labels, probabilities);
      if (route.mode === 'shadow' && route.candidate) {
        const candidate = route.candidate;
        const primaryLabels = Array.from(labels, (l) => served.classes[l] as string);
        setImmediate(() => void scoreShadow(candidate, req.id, rows, primaryLabels));
      }
      const json = served.json as PredictionJson;
      void reply.type('application/json; charset=utf-8'); // a string with a JSON type goes out as it is
      return single ? json.single(req.id, labels, probabilities) : json.batch(req.id, labels, probabilities);
    };
    const now = served.model.probabilityMatrixNow;
    return now ? classified(now(rows)) : served.model.probabilityMatrix(rows).then(classified);
  };

  // Not an async function: an in-process model answers in the same tick, with no promise for fastify to wait on
  // (what a CPU profile of the 1-row path showed as the largest cost left around our own code).
  const predictOptions = { schema: { response: predictResponseSchema }, onResponse: measureServed };
  app.post<{ Params: { name: string } }>('/v1/models/:name/predict', predictOptions, (req, reply) => {
    const suppliedId = req.headers['x-request-id'];
    const picked = router.pick(req.params.name, typeof suppliedId === 'string' && suppliedId ? suppliedId : undefined);
    if (!picked) {
      void reply.code(404).send(errorBody(404, `model "${req.params.name}" is not being served`, req.id));
      return;
    }
    const { served } = picked;
    req.predictServedBy = picked;

    const body = req.body;
    const single = typeof body === 'object' && body !== null && !Array.isArray(body) && 'instance' in body;
    // The compiled check accepts what zod accepts; zod runs only on a refusal, to say what is wrong.
    const accepted = single ? served.check.single(body) : served.check.batch(body);
    const parsed = accepted ? null : single ? served.singleSchema.safeParse(body) : served.batchSchema.safeParse(body);
    if (parsed && !parsed.success) {
      const hint = single ? 'expected {"instance": {<feature>: value, …}}' : `expected {"instances": [{<feature>: value, …}, …]} with 1..${MAX_BATCH} rows, or {"instance": {…}}`;
      void reply.code(400).send({ ...errorBody(400, describeIssues(parsed.error), req.id), hint, features: served.model.features });
      return;
    }
    const valid = (parsed?.data ?? body) as { instance: Row } | { instances: Row[] };
    const rows: Row[] = 'instance' in valid ? [valid.instance] : valid.instances;
    // An overloaded prediction log holds the request here rather than buffer without end (null: no wait).
    const behind = sink.backpressure();
    return behind ? behind.then(() => answer(req, reply, picked, rows, single)) : answer(req, reply, picked, rows, single);
  });
}
