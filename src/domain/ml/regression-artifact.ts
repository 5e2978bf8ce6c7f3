import { z } from 'zod';
import { modelArtifactSchema } from './model-artifact';
import { encodeRowInto, encodedWidth } from './preprocessing';
import type { Row } from './types';

/**
 * The serialised linear regression (`target.kind: "regression"`): the artifact records its kind, the fitted
 * preprocessor and the coefficients in the target's own units (target standardization is folded back in).
 */
export const REGRESSION_MODEL_FORMAT = 'temporal-mlops/linear-regression@1';

// The encoding and coefficient fields are the classifier artifact's; the bias is one number, not one per class.
const linearFields = {
  modelName: true,
  target: true,
  features: true,
  preprocessor: true,
  weights: true,
  width: true,
} as const;

export const regressionArtifactSchema = modelArtifactSchema.pick(linearFields).extend({
  format: z.literal(REGRESSION_MODEL_FORMAT),
  kind: z.literal('regression'),
  bias: z.number(),
  trainedOn: z.object({
    datasetId: z.string(),
    rows: z.number().int(),
    /** L-BFGS iterations. */
    epochs: z.number().int(),
    /** Final objective on the standardized target: ½·mean squared error + ½·l2·‖w‖². */
    finalLoss: z.number(),
    solver: z.literal('lbfgs'),
    converged: z.string(),
    /** Training rows left out because their target was missing. */
    droppedRows: z.number().int().nonnegative(),
  }),
});

export type RegressionArtifact = z.infer<typeof regressionArtifactSchema>;

/** A ready-to-serve regression model: one dot product per row. */
export class LoadedRegressionModel {
  private readonly scratch: Float64Array;

  constructor(readonly artifact: RegressionArtifact) {
    if (encodedWidth(artifact.preprocessor) !== artifact.width || artifact.weights.length !== artifact.width) {
      throw new Error('artifact width does not match its preprocessor');
    }
    this.scratch = new Float64Array(artifact.width);
  }

  predict(row: Row): number {
    encodeRowInto(this.artifact.preprocessor, row, this.scratch, 0);
    let value = this.artifact.bias;
    const w = this.artifact.weights;
    for (let j = 0; j < w.length; j++) value += (w[j] as number) * (this.scratch[j] as number);
    return value;
  }

  predictMany(rows: readonly Row[]): Float64Array {
    return Float64Array.from(rows, (r) => this.predict(r));
  }
}
