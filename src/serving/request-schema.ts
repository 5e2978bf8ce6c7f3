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
