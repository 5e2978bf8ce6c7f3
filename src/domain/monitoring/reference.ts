import { z } from 'zod';
import { buildCategoricalProfile, buildNumericProfile } from '../drift';
import { referenceProfileSchema } from '../drift/schemas';
import type { FeatureRef, Row } from '../ml/types';
import { column, textValues, type Frame } from '../ml/frame';

/**
 * What a model version keeps of its training split for monitoring: one drift profile per feature and
 * one of the target (the reference for prediction drift). Stored in the registry with the version and
 * referenced by id; it never travels in a workflow payload.
 */
export const referenceProfileSetSchema = z.object({
  rows: z.number().int().nonnegative(),
  features: z.record(z.string(), referenceProfileSchema),
  target: referenceProfileSchema,
});

export type ReferenceProfileSet = z.infer<typeof referenceProfileSetSchema>;

export function buildReferenceProfiles(rows: readonly Row[], features: readonly FeatureRef[], target: string): ReferenceProfileSet {
  const column = (name: string) => rows.map((r) => r[name] ?? null);
  const profiles: ReferenceProfileSet['features'] = {};
  for (const f of features) {
    const values = column(f.name);
    profiles[f.name] =
      f.type === 'numeric'
        ? buildNumericProfile(values.map((v) => (typeof v === 'number' ? v : v === null ? null : Number.NaN)))
        : buildCategoricalProfile(values);
  }
  return { rows: rows.length, features: profiles, target: buildCategoricalProfile(column(target)) };
}

/** The same profiles from a columnar frame (the activities' path: no row objects). */
export function buildReferenceProfilesFromFrame(frame: Frame, features: readonly FeatureRef[], target: string): ReferenceProfileSet {
  const profiles: ReferenceProfileSet['features'] = {};
  for (const f of features) {
    const c = column(frame, f.name);
    profiles[f.name] = c.kind === 'numeric' ? buildNumericProfile(c.values, { nanIsNull: true }) : buildCategoricalProfile(textValues(c));
  }
  // A regression target is profiled as numbers: prediction drift then compares value distributions.
  const t = column(frame, target);
  const targetProfile = t.kind === 'numeric' ? buildNumericProfile(t.values, { nanIsNull: true }) : buildCategoricalProfile(textValues(t));
  return { rows: frame.rows, features: profiles, target: targetProfile };
}
