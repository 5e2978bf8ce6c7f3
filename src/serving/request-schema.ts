import { z } from 'zod';
import type { ModelArtifact } from '../domain/ml';

export const MAX_BATCH = 1000;

/** Builds the zod schema of a predict request from the model's own feature list; extra fields are refused. */
export function predictRequestSchema(artifact: ModelArtifact) {
  const shape: Record<string, z.ZodType> = {};
  for (const f of artifact.features) {
    shape[f.name] = f.type === 'numeric' ? z.number().finite().nullable() : z.union([z.string(), z.number(), z.boolean()]).nullable();
  }
  const row = z.object(shape).strict();
  return z.object({ instances: z.array(row).min(1).max(MAX_BATCH) }).strict();
}

export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => `${i.path.length ? i.path.join('.') : 'body'}: ${i.message}`)
    .join('; ');
}
