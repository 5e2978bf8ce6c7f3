import type { ArtifactStore, SqliteRegistry } from '../adapters';
import { LoadedModel } from '../domain/ml';
import { predictRequestSchema } from './request-schema';

export interface ServedModel {
  readonly name: string;
  readonly version: number;
  readonly loadedAt: string;
  readonly model: LoadedModel;
  /** Request schema derived once from the model's features. */
  readonly requestSchema: ReturnType<typeof predictRequestSchema>;
}

/**
 * The set of models the server answers with. A swap loads, verifies and warms the new version completely
 * before one atomic Map write replaces the old entry, so requests in flight never see a half-loaded model.
 */
export class ServedModels {
  private readonly models = new Map<string, ServedModel>();

  constructor(
    private readonly registry: SqliteRegistry,
    private readonly artifacts: ArtifactStore,
  ) {}

  get(name: string): ServedModel | undefined {
    return this.models.get(name);
  }

  list(): ServedModel[] {
    return [...this.models.values()];
  }

  async load(name: string, version: number): Promise<ServedModel> {
    const row = this.registry.getVersion(name, version);
    const artifact = await this.artifacts.get(row.artifactPath, row.artifactSha256);
    const model = new LoadedModel(artifact);
    // Warm-up doubles as a health check: a model that cannot score an all-missing row is not swapped in.
    const warm = model.predict({});
    if (!Number.isFinite(Object.values(warm.probabilities).reduce((a, b) => a + b, 0))) throw new Error(`model ${name}@${version} produced non-finite output on warm-up`);
    const served: ServedModel = { name, version, loadedAt: new Date().toISOString(), model, requestSchema: predictRequestSchema(artifact) };
    this.models.set(name, served);
    return served;
  }

  /** Loads every model's `production` alias; used at start-up. */
  async loadProduction(): Promise<ServedModel[]> {
    const loaded: ServedModel[] = [];
    for (const alias of this.registry.listAliases().filter((a) => a.alias === 'production')) {
      loaded.push(await this.load(alias.modelName, alias.version));
    }
    return loaded;
  }
}
