import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { modelArtifactSchema, type ModelArtifact } from '../domain/ml';

export class ArtifactIntegrityError extends Error {
  override name = 'ArtifactIntegrityError';
}

/** Local, content-addressed artifact store: `<dir>/<model>/<sha256>.json`; writes are atomic. */
export class ArtifactStore {
  constructor(private readonly dir: string) {}

  async put(artifact: ModelArtifact): Promise<{ path: string; sha256: string }> {
    const body = JSON.stringify(artifact);
    const sha256 = createHash('sha256').update(body).digest('hex');
    const path = resolve(join(this.dir, artifact.modelName, `${sha256}.json`));
    await mkdir(dirname(path), { recursive: true });
    const tmp = `${path}.${process.pid}.tmp`;
    await writeFile(tmp, body);
    await rename(tmp, path);
    return { path, sha256 };
  }

  /** Loads and verifies an artifact against the hash the registry recorded. */
  async get(path: string, expectedSha256?: string): Promise<ModelArtifact> {
    const body = await readFile(path, 'utf8');
    if (expectedSha256) {
      const actual = createHash('sha256').update(body).digest('hex');
      if (actual !== expectedSha256) throw new ArtifactIntegrityError(`artifact ${path} has sha256 ${actual}, registry says ${expectedSha256}`);
    }
    const parsed = modelArtifactSchema.safeParse(JSON.parse(body));
    if (!parsed.success) throw new ArtifactIntegrityError(`artifact ${path} is not a model artifact: ${parsed.error.message}`);
    return parsed.data;
  }

  checkpointPath(modelName: string, key: string): string {
    return resolve(join(this.dir, modelName, 'checkpoints', `${key}.json`));
  }
}
