import { InferenceSession, Tensor } from 'onnxruntime-node';
import type { Classifier, FeatureRef, Frame, OnnxArtifact, Row } from '../domain/ml';
import { ArtifactIntegrityError } from './artifact-store';

/** ONNX probabilities must match the training library's reference predictions this closely at load. */
export const ONNX_REFERENCE_TOLERANCE = 1e-5;

/** One [n, 1] tensor per feature, as the Python trainer exported them: float32 (null → NaN) or text (null → ""). */
function feedsOf(features: readonly FeatureRef[], rows: readonly Row[]): Record<string, Tensor> {
  const feeds: Record<string, Tensor> = {};
  for (const f of features) {
    if (f.type === 'numeric') {
      const values = Float32Array.from(rows, (r) => {
        const v = r[f.name];
        return typeof v === 'number' ? v : Number.NaN;
      });
      feeds[f.name] = new Tensor('float32', values, [rows.length, 1]);
    } else {
      const values = rows.map((r) => {
        const v = r[f.name];
        return v === null || v === undefined ? '' : String(v);
      });
      feeds[f.name] = new Tensor('string', values, [rows.length, 1]);
    }
  }
  return feeds;
}

/** The same feeds from a columnar frame: numerics as float32 (missing → NaN), categoricals as their text ("" if missing). */
function feedsOfFrame(features: readonly FeatureRef[], frame: Frame): Record<string, Tensor> {
  const feeds: Record<string, Tensor> = {};
  for (const f of features) {
    const column = frame.columns[f.name];
    if (!column) throw new Error(`column "${f.name}" is not in the frame`);
    if (column.kind === 'numeric') {
      feeds[f.name] = new Tensor('float32', Float32Array.from(column.values), [frame.rows, 1]);
    } else {
      const values = Array.from(column.codes, (code) => (code < 0 ? '' : (column.dictionary[code] as string)));
      feeds[f.name] = new Tensor('string', values, [frame.rows, 1]);
    }
  }
  return feeds;
}

/** A model exported to ONNX by an external trainer, scored in-process with onnxruntime (CPU). */
export class OnnxClassifier implements Classifier {
  readonly modelName: string;
  readonly classes: readonly string[];
  readonly features: readonly FeatureRef[];

  private constructor(
    private readonly session: InferenceSession,
    readonly artifact: OnnxArtifact,
  ) {
    this.modelName = artifact.modelName;
    this.classes = artifact.classes;
    this.features = artifact.features;
  }

  /**
   * Opens the ONNX bytes (already hash-checked by the artifact store) and replays the reference predictions.
   * @throws ArtifactIntegrityError when the model's outputs do not match the envelope or its references.
   */
  static async open(artifact: OnnxArtifact, bytes: Uint8Array): Promise<OnnxClassifier> {
    const session = await InferenceSession.create(bytes, {
      executionProviders: ['cpu'],
      intraOpNumThreads: 1,
      interOpNumThreads: 1,
    });
    if (!session.outputNames.includes(artifact.onnx.probabilityOutput)) {
      throw new ArtifactIntegrityError(
        `ONNX model of ${artifact.modelName} has no output "${artifact.onnx.probabilityOutput}" (outputs: ${session.outputNames.join(', ')})`,
      );
    }
    const model = new OnnxClassifier(session, artifact);
    await model.checkReference();
    return model;
  }

  async probabilityMatrix(rows: readonly Row[]): Promise<Float64Array> {
    if (rows.length === 0) return new Float64Array(0);
    return this.run(feedsOf(this.features, rows));
  }

  async frameProbabilityMatrix(frame: Frame): Promise<Float64Array> {
    if (frame.rows === 0) return new Float64Array(0);
    return this.run(feedsOfFrame(this.features, frame));
  }

  private async run(feeds: Record<string, Tensor>): Promise<Float64Array> {
    // All outputs: onnxruntime-node 1.23 answers a fetch list of ['probabilities'] with 'label' only.
    const out = await this.session.run(feeds);
    const tensor = out[this.artifact.onnx.probabilityOutput];
    if (!tensor)
      throw new ArtifactIntegrityError(
        `ONNX model of ${this.modelName} returned no "${this.artifact.onnx.probabilityOutput}" output`,
      );
    if (tensor.dims.length !== 2 || tensor.dims[1] !== this.classes.length) {
      throw new ArtifactIntegrityError(
        `ONNX model of ${this.modelName} returned shape [${tensor.dims.join(', ')}], expected [n, ${this.classes.length}]`,
      );
    }
    return Float64Array.from(tensor.data as Float32Array);
  }

  /** The library's predict_proba for a few held-out rows, recorded at training, must come back unchanged. */
  private async checkReference(): Promise<void> {
    const { rows, probabilities } = this.artifact.reference;
    const actual = await this.probabilityMatrix(rows);
    let worst = 0;
    probabilities.forEach((expected, i) =>
      expected.forEach((p, c) => (worst = Math.max(worst, Math.abs((actual[i * expected.length + c] as number) - p)))),
    );
    if (!(worst <= ONNX_REFERENCE_TOLERANCE)) {
      throw new ArtifactIntegrityError(
        `ONNX model of ${this.modelName} differs from its reference predictions by ${worst} (> ${ONNX_REFERENCE_TOLERANCE})`,
      );
    }
  }
}
