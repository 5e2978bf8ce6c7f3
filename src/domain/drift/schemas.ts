/**
 * zod schemas of the reference profiles and the drift report, for validating them where they
 * cross a boundary (stored with a model version, read back, sent between activities).
 */

import { z } from 'zod';

const count = z.int().nonnegative();
const rate = z.number().min(0).max(1);

export const driftMethodSchema = z.enum(['ks', 'wasserstein', 'chisquare', 'jensenshannon', 'ztest', 'psi']);
export const featureKindSchema = z.enum(['numeric', 'categorical']);

export const quantileBinsSchema = z
  .object({ edges: z.array(z.number()), counts: z.array(count) })
  .refine((b) => b.counts.length === 0 || b.counts.length === b.edges.length + 1, {
    message: 'counts needs one more entry than edges',
  });

export const numericProfileSchema = z.object({
  kind: z.literal('numeric'),
  version: z.literal(1),
  rows: count,
  nullCount: count,
  invalidCount: count,
  count,
  min: z.number().nullable(),
  max: z.number().nullable(),
  mean: z.number().nullable(),
  std: z.number().nonnegative().nullable(),
  distinct: count,
  quantiles: z.array(z.number()),
  histogram: quantileBinsSchema,
  valueCounts: z.array(z.tuple([z.number(), count])).nullable(),
  sample: z.array(z.number()),
  sampleExact: z.boolean(),
});

export const categoricalProfileSchema = z.object({
  kind: z.literal('categorical'),
  version: z.literal(1),
  rows: count,
  nullCount: count,
  count,
  distinct: count,
  counts: z.record(z.string(), count),
  otherCount: count,
});

export const referenceProfileSchema = z.discriminatedUnion('kind', [numericProfileSchema, categoricalProfileSchema]);

export const sideSummarySchema = z.object({
  rows: count,
  nullCount: count,
  invalidCount: count,
  validCount: count,
  nullRate: rate,
});

export const featureDriftResultSchema = z.object({
  feature: z.string(),
  kind: featureKindSchema,
  judged: z.boolean(),
  reason: z.string().nullable(),
  method: driftMethodSchema.nullable(),
  methodChoice: z.enum(['auto', 'override']),
  score: z.number().nullable(),
  scoreKind: z.enum(['p_value', 'distance']).nullable(),
  statistic: z.number().nullable(),
  threshold: z.number().nullable(),
  drifted: z.boolean(),
  reference: sideSummarySchema,
  current: sideSummarySchema,
  nullRateChange: z.number().min(-1).max(1),
  distinctValues: count,
  unseenCategories: z
    .object({ count, rows: count, share: rate, examples: z.array(z.string()) })
    .nullable(),
  notes: z.array(z.string()),
});

export const datasetDriftResultSchema = z.object({
  judgedCount: count,
  driftedCount: count,
  driftedShare: rate,
  shareThreshold: z.number(),
  datasetDrift: z.boolean(),
  drifted: z.array(z.string()),
  notJudged: z.array(z.object({ feature: z.string(), reason: z.string() })),
});

export const driftReportSchema = z.object({
  dataset: datasetDriftResultSchema,
  features: z.array(featureDriftResultSchema),
});
