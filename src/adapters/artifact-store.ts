import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
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

type ScoringClassifier = { artifact: ClassifierArtifact; model: Classifier };

export class ArtifactIntegrityError extends Error {
  override name = 'ArtifactIntegrityError';
}

const sha256Of = (body: string | Uint8Array): string => createHash('sha256').update(body).digest('hex');

/**
 * Local, content-addressed artifact store: `<dir>/<model>/<sha256>.json`; writes are atomic. External
 * trainers write the same way: an ONNX envelope `<sha256>.json` beside its model bytes `<sha256>.onnx`.
 */
export class ArtifactStore {
  constructor(private readonly dir: string) {}

  async put(artifact: ModelArtifact | RegressionArtifact): Promise<{ path: string; sha256: string }> {
    const body = JSON.stringify(artifact);
    const sha256 = sha256Of(body);
    const path = resolve(join(this.dir, artifact.modelName, `${sha256}.json`));
    await mkdir(dirname(path), { recursive: true });
    const tmp = `${path}.${process.pid}.tmp`;
    await writeFile(tmp, body);
    await rename(tmp, path);
    return { path, sha256 };
  }

  /** Loads and verifies an artifact (built-in or ONNX envelope) against the hash the registry recorded. */
  async get(path: string, expectedSha256?: string): Promise<StoredArtifact> {
    const body = await readFile(path, 'utf8');
    if (expectedSha256) {
      const actual = sha256Of(body);
      if (actual !== expectedSha256) throw new ArtifactIntegrityError(`artifact ${path} has sha256 ${actual}, registry says ${expectedSha256}`);
    }
    const parsed = storedArtifactSchema.safeParse(JSON.parse(body));
    if (!parsed.success) throw new ArtifactIntegrityError(`artifact ${path} is not a model artifact: ${parsed.error.message}`);
    return parsed.data;
  }

  /** The ONNX bytes an envelope names, from the envelope's folder, verified against the envelope's hash. */
  async onnxBytes(envelopePath: string, artifact: OnnxArtifact): Promise<Uint8Array> {
    const path = join(dirname(envelopePath), artifact.onnx.file);
    const bytes = await readFile(path);
    const actual = sha256Of(bytes);
    if (actual !== artifact.onnx.sha256) throw new ArtifactIntegrityError(`ONNX file ${path} has sha256 ${actual}, its envelope says ${artifact.onnx.sha256}`);
    return bytes;
  }

  /** A verified artifact, ready to score: built-in in-process math or an ONNX session. */
  async classifier(path: string, expectedSha256?: string): Promise<ScoringClassifier> {
    const artifact = await this.get(path, expectedSha256);
    if (isRegressionArtifact(artifact)) {
      throw new ArtifactIntegrityError(`artifact ${path} is a regression model, not a classifier`);
    }
    return this.classifierOf(path, artifact);
  }

  /** A verified regression artifact, ready to score. */
  async regressor(path: string, expectedSha256?: string): Promise<{ artifact: RegressionArtifact; model: Regressor }> {
    const artifact = await this.get(path, expectedSha256);
    if (!isRegressionArtifact(artifact)) {
      throw new ArtifactIntegrityError(`artifact ${path} is a classifier, not a regression model`);
    }
    return { artifact, model: builtinRegressor(artifact) };
  }

  /** Either kind, as the artifact records it (the model server loads whatever the registry names). */
  async scorer(
    path: string,
    expectedSha256?: string,
  ): Promise<ScoringClassifier | { artifact: RegressionArtifact; model: Regressor }> {
    const artifact = await this.get(path, expectedSha256);
    if (isRegressionArtifact(artifact)) return { artifact, model: builtinRegressor(artifact) };
    return this.classifierOf(path, artifact);
  }

  private async classifierOf(path: string, artifact: ClassifierArtifact): Promise<ScoringClassifier> {
    if (isBuiltinArtifact(artifact)) return { artifact, model: builtinClassifier(artifact) };
    // Loaded on demand: processes that never meet an ONNX model never load the native runtime.
    const { OnnxClassifier } = await import('./onnx-classifier');
    return { artifact, model: await OnnxClassifier.open(artifact, await this.onnxBytes(path, artifact)) };
  }

  checkpointPath(modelName: string, key: string): string {
    return resolve(join(this.dir, modelName, 'checkpoints', `${key}.json`));
  }
}
