import { z } from 'zod';
import type { FeatureRef } from '../domain/ml';

/** What a request schema needs of a model version: its feature list. */
type WithFeatures = { readonly features: readonly FeatureRef[] };

/** Request schemas: predict bodies derived from each model version's own feature list, and the admin bodies. */

export const MAX_BATCH = 1000;

function rowSchema(artifact: WithFeatures) {
  const shape: Record<string, z.ZodType> = {};
  for (const f of artifact.features) {
    shape[f.name] = f.type === 'numeric' ? z.number().finite().nullable() : z.union([z.string(), z.number()]).nullable();
  }
  return z.object(shape).strict();
}

/** `{"instances": [row, …]}`, 1..MAX_BATCH rows; unknown fields are refused. */
export function batchRequestSchema(artifact: WithFeatures) {
  return z.object({ instances: z.array(rowSchema(artifact)).min(1).max(MAX_BATCH, `at most ${MAX_BATCH} rows per request`) }).strict();
}

/** `{"instance": row}`: one row. */
export function singleRequestSchema(artifact: WithFeatures) {
  return z.object({ instance: rowSchema(artifact) }).strict();
}

/** Accepts exactly the predict bodies the zod schemas above accept, without building a parsed copy. */
export interface RequestCheck {
  single(body: unknown): boolean;
  batch(body: unknown): boolean;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** True when `body` has exactly one own key, `key`. */
function onlyKey(body: Record<string, unknown>, key: string): boolean {
  let n = 0;
  for (const k in body) if (++n > 1 || k !== key) return false;
  return n === 1;
}

/**
 * The hot path's validation: a plain loop over the version's features, a few times cheaper than zod (which
 * also copies every row). Zod stays the reference: the route asks it only when this check refuses, for the
 * message that names each field at fault — so a body this check accepts is one zod accepts (a test holds both
 * to the same cases).
 */
export function compileRequestCheck(artifact: WithFeatures): RequestCheck {
  const names = artifact.features.map((f) => f.name);
  const numeric = artifact.features.map((f) => f.type === 'numeric');
  const row = (r: unknown): boolean => {
    if (!isRecord(r)) return false;
    let keys = 0;
    for (const _key in r) keys++; // every enumerable key, inherited too, as zod's strict() counts them
    if (keys !== names.length) return false; // with every feature present (below), no unknown field either
    for (let i = 0; i < names.length; i++) {
      const v = r[names[i] as string];
      if (v === null || (typeof v === 'number' && Number.isFinite(v)) || (typeof v === 'string' && !numeric[i])) continue;
      return false;
    }
    return true;
  };
  return {
    single: (body) => isRecord(body) && onlyKey(body, 'instance') && row(body.instance),
    batch: (body) => {
      if (!isRecord(body) || !onlyKey(body, 'instances')) return false;
      const rows = body.instances;
      if (!Array.isArray(rows) || rows.length < 1 || rows.length > MAX_BATCH) return false;
      for (const r of rows) if (!row(r)) return false;
      return true;
    },
  };
}

export const loadBodySchema = z.object({ version: z.number().int().positive() }).strict();

export const routeBodySchema = z
  .object({
    stable: z.number().int().positive(),
    candidate: z.number().int().positive().optional(),
    mode: z.enum(['canary', 'shadow']).optional(),
    percent: z.number().int().min(0).max(100).optional(),
  })
  .strict()
  .superRefine((b, ctx) => {
    if (b.candidate === undefined && (b.mode !== undefined || b.percent !== undefined)) ctx.addIssue({ code: 'custom', message: 'mode and percent need a candidate', path: ['candidate'] });
    if (b.candidate !== undefined && b.candidate === b.stable) ctx.addIssue({ code: 'custom', message: 'candidate must differ from stable', path: ['candidate'] });
    if (b.candidate !== undefined && b.mode === undefined) ctx.addIssue({ code: 'custom', message: 'required with a candidate ("canary" or "shadow")', path: ['mode'] });
    if (b.mode === 'canary' && b.percent === undefined) ctx.addIssue({ code: 'custom', message: 'required in canary mode (0..100)', path: ['percent'] });
  });

export const statsQuerySchema = z.object({ since: z.iso.datetime({ offset: true }).optional() }).strict();

/** "instances.0.temp_max: Invalid input: expected number, received string; …" — names every field at fault. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => `${i.path.length ? i.path.join('.') : 'body'}: ${i.message}`)
    .join('; ');
}
