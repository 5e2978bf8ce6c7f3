import { siblingUri, type BlobStore } from '../domain';
import {
  builtinClassifier,
  builtinRegressor,
  isBuiltinArtifact,
  isRegressionArtifact,
  storedArtifactSchema,
  type ClassifierArtifact,
  type Classifier,
  type ModelArtifact,
  type OnnxArtifact,
  type RegressionArtifact,
  type Regressor,
  type StoredArtifact,
} from '../domain/ml';
import { BlobIntegrityError } from './blob-errors';
import { LocalBlobStore, sha256OfBytes } from './local-blob-store';

type ScoringClassifier = { artifact: ClassifierArtifact; model: Classifier };

export class ArtifactIntegrityError extends Error {
  override name = 'ArtifactIntegrityError';
}

/** The blob store's integrity error, in the artifact store's words. */
const asArtifactError = (err: unknown): never => {
  if (!(err instanceof BlobIntegrityError)) throw err;
  throw new ArtifactIntegrityError(`artifact ${err.uri} has sha256 ${err.actual}, registry says ${err.expected}`);
};

/**
 * Content-addressed artifact store on the blob store: `artifacts/<model>/<sha256>.json`. External trainers
 * write the same way: an ONNX envelope `<sha256>.json` beside its model bytes `<sha256>.onnx`. Artifacts are
 * named by URI (`file://…`, `s3://…`; a bare absolute path from an old row or history reads as `file://`).
 */
export class ArtifactStore {
  private readonly blobs: BlobStore;
  private readonly prefix: string;

  /** A blob store (keys under `artifacts/`), or a local artifact folder (tools and tests). */
  constructor(blobs: BlobStore | string) {
    this.blobs = typeof blobs === 'string' ? new LocalBlobStore(blobs) : blobs;
    this.prefix = typeof blobs === 'string' ? '' : 'artifacts/';
  }

  /** Stores an artifact; returns its URI (`path`, the field's historic name) and sha256. */
  async put(artifact: ModelArtifact | RegressionArtifact): Promise<{ path: string; sha256: string }> {
    const body = JSON.stringify(artifact);
    const sha256 = sha256OfBytes(body);
    const stored = await this.blobs.putBytes(`${this.prefix}${artifact.modelName}/${sha256}.json`, body);
    return { path: stored.uri, sha256 };
  }

  /** Loads and verifies an artifact (built-in or ONNX envelope) against the hash the registry recorded. */
  async get(uri: string, expectedSha256?: string): Promise<StoredArtifact> {
    const body = (await this.blobs.readBytes(uri, expectedSha256).catch(asArtifactError)).toString('utf8');
    const parsed = storedArtifactSchema.safeParse(JSON.parse(body));
    if (!parsed.success) throw new ArtifactIntegrityError(`artifact ${uri} is not a model artifact: ${parsed.error.message}`);
    return parsed.data;
  }

  /** The ONNX bytes an envelope names, from the envelope's folder, verified against the envelope's hash. */
  async onnxBytes(envelopeUri: string, artifact: OnnxArtifact): Promise<Uint8Array> {
    const uri = siblingUri(envelopeUri, artifact.onnx.file);
    const bytes = await this.blobs.readBytes(uri).catch(asArtifactError);
    const actual = sha256OfBytes(bytes);
    if (actual !== artifact.onnx.sha256) {
      throw new ArtifactIntegrityError(`ONNX file ${uri} has sha256 ${actual}, its envelope says ${artifact.onnx.sha256}`);
    }
    return bytes;
  }

  /** A verified artifact, ready to score: built-in in-process math or an ONNX session. */
  async classifier(uri: string, expectedSha256?: string): Promise<ScoringClassifier> {
    const artifact = await this.get(uri, expectedSha256);
    if (isRegressionArtifact(artifact)) {
      throw new ArtifactIntegrityError(`artifact ${uri} is a regression model, not a classifier`);
    }
    return this.classifierOf(uri, artifact);
  }

  /** A verified regression artifact, ready to score. */
  async regressor(uri: string, expectedSha256?: string): Promise<{ artifact: RegressionArtifact; model: Regressor }> {
    const artifact = await this.get(uri, expectedSha256);
    if (!isRegressionArtifact(artifact)) {
      throw new ArtifactIntegrityError(`artifact ${uri} is a classifier, not a regression model`);
    }
    return { artifact, model: builtinRegressor(artifact) };
  }

  /** Either kind, as the artifact records it (the model server loads whatever the registry names). */
  async scorer(
    uri: string,
    expectedSha256?: string,
  ): Promise<ScoringClassifier | { artifact: RegressionArtifact; model: Regressor }> {
    const artifact = await this.get(uri, expectedSha256);
    if (isRegressionArtifact(artifact)) return { artifact, model: builtinRegressor(artifact) };
    return this.classifierOf(uri, artifact);
  }

  private async classifierOf(uri: string, artifact: ClassifierArtifact): Promise<ScoringClassifier> {
    if (isBuiltinArtifact(artifact)) return { artifact, model: builtinClassifier(artifact) };
    // Loaded on demand: processes that never meet an ONNX model never load the native runtime.
    const { OnnxClassifier } = await import('./onnx-classifier');
    return { artifact, model: await OnnxClassifier.open(artifact, await this.onnxBytes(uri, artifact)) };
  }

  /** Training checkpoints: written every second or so while training, removed once the artifact is stored. */
  async putCheckpoint(modelName: string, key: string, body: string): Promise<string> {
    return (await this.blobs.putBytes(this.checkpointKey(modelName, key), body)).uri;
  }

  /** A checkpoint's text, or undefined when it is gone (a retry then trains from the start). */
  async readCheckpoint(uri: string): Promise<string | undefined> {
    return this.blobs.readBytes(uri).then((b) => b.toString('utf8'), () => undefined);
  }

  deleteCheckpoint(uri: string): Promise<void> {
    return this.blobs.delete(uri);
  }

  private checkpointKey(modelName: string, key: string): string {
    return `${this.prefix}${modelName}/checkpoints/${key}.json`;
  }
}
