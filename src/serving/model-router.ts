import type { ArtifactStore } from '../adapters';
import type { Registry } from '../domain';
import { counterRoutesToCandidate, idRoutesToCandidate, type PredictionRole } from '../domain';
import { predictRows, type Classifier, type Regressor } from '../domain/ml';
import { predictionJson, type PredictionJson } from './prediction-json';
import { batchRequestSchema, compileRequestCheck, singleRequestSchema, type RequestCheck } from './request-schema';

/** One model version in memory, verified, warmed up and ready to answer. */
export interface LoadedVersion {
  readonly name: string;
  readonly version: number;
  readonly loadedAt: string;
  readonly warmupMs: number;
  /** Built-in in-process model or an ONNX session (both score through one interface), or a regression model. */
  readonly model: Classifier | Regressor;
  /** `temporal-mlops/softmax-regression@1`, `temporal-mlops/onnx@1` or `temporal-mlops/linear-regression@1`. */
  readonly format: string;
  /** Classifiers answer labels and probabilities, regression models a value. */
  readonly kind: 'classification' | 'regression';
  /** None for a regression model. */
  readonly classes: readonly string[];
  readonly batchSchema: ReturnType<typeof batchRequestSchema>;
  readonly singleSchema: ReturnType<typeof singleRequestSchema>;
  /** The same rules as the schemas, compiled for the hot path (request-schema.ts). */
  readonly check: RequestCheck;
  /** A classifier's answers as JSON (prediction-json.ts); none for a regression model. */
  readonly json: PredictionJson | null;
}

export type RolloutMode = 'canary' | 'shadow';

/** How one model's traffic is split. Replaced as a whole (one Map write), never mutated. */
export interface ModelRoute {
  readonly name: string;
  readonly stable: LoadedVersion;
  readonly candidate: LoadedVersion | null;
  readonly mode: RolloutMode | null;
  /** Candidate's share of traffic in percent (canary only). */
  readonly percent: number;
  readonly routedAt: string;
}

export interface RouteRequest {
  readonly stable: number;
  readonly candidate?: number;
  readonly mode?: RolloutMode;
  readonly percent?: number;
}

/** A load refused because the version does not behave (bad artifact, non-finite output). */
export class VersionUnhealthyError extends Error {
  override name = 'VersionUnhealthyError';
}

const WARMUP_ROWS = 200;

/**
 * The models the server answers with and how their traffic is split. Changing a route loads, verifies and
 * warms every version it names first; only then does one synchronous Map write switch traffic, so a request
 * in flight finishes on the version it started with and none fails or waits.
 */
export class ModelRouter {
  private readonly routes = new Map<string, ModelRoute>();
  private readonly loaded = new Map<string, LoadedVersion>();
  private readonly loading = new Map<string, Promise<LoadedVersion>>();
  private readonly counters = new Map<string, number>();

  constructor(
    private readonly registry: Registry,
    private readonly artifacts: ArtifactStore,
    private readonly onChange: (routes: readonly ModelRoute[]) => void = () => {},
  ) {}

  route(name: string): ModelRoute | undefined {
    return this.routes.get(name);
  }

  list(): ModelRoute[] {
    return [...this.routes.values()];
  }

  /** Loads (once) a registered version: verifies the artifact hash, warms it up and health-checks its output. */
  load(name: string, version: number): Promise<LoadedVersion> {
    const key = `${name}@${version}`;
    const ready = this.loaded.get(key);
    if (ready) return Promise.resolve(ready);
    let pending = this.loading.get(key);
    if (!pending) {
      pending = this.loadFresh(name, version).finally(() => this.loading.delete(key));
      this.loading.set(key, pending);
    }
    return pending;
  }

  private async loadFresh(name: string, version: number): Promise<LoadedVersion> {
    const row = await this.registry.getVersion(name, version);
    // Verifies the artifact's hash (and, for ONNX, the model bytes' hash and the trainer's reference predictions).
    const { artifact, model } = await this.artifacts.scorer(row.artifactPath, row.artifactSha256);
    if (artifact.modelName !== name) throw new VersionUnhealthyError(`artifact of ${name}@${version} belongs to model "${artifact.modelName}"`);
    const started = performance.now();
    // Warm-up doubles as the health check: rows of missing values must score to finite probabilities summing to 1
    // (a regression model: to a finite value).
    for (let i = 0; i < WARMUP_ROWS; i++) {
      if ('kind' in model) {
        const value = model.predictValues([{}])[0];
        if (!Number.isFinite(value)) {
          throw new VersionUnhealthyError(`${name}@${version} predicted ${value} on warm-up`);
        }
        continue;
      }
      const [p] = await predictRows(model, [{}]);
      const total = Object.values(p?.probabilities ?? {}).reduce((a, b) => a + b, 0);
      if (!Number.isFinite(total) || Math.abs(total - 1) > 1e-5) throw new VersionUnhealthyError(`${name}@${version} produced invalid probabilities on warm-up (sum ${total})`);
    }
    const loadedVersion: LoadedVersion = {
      name,
      version,
      loadedAt: new Date().toISOString(),
      warmupMs: performance.now() - started,
      model,
      format: artifact.format,
      kind: 'kind' in model ? 'regression' : 'classification',
      classes: 'classes' in artifact ? artifact.classes : [],
      batchSchema: batchRequestSchema(artifact),
      singleSchema: singleRequestSchema(artifact),
      check: compileRequestCheck(artifact),
      json: 'classes' in artifact ? predictionJson(name, version, artifact.classes) : null,
    };
    this.loaded.set(`${name}@${version}`, loadedVersion);
    return loadedVersion;
  }

  /** Switches a model's traffic to the given split once every version in it is loaded and healthy. */
  async setRoute(name: string, request: RouteRequest): Promise<ModelRoute> {
    const stable = await this.load(name, request.stable);
    const candidate = request.candidate !== undefined ? await this.load(name, request.candidate) : null;
    const route: ModelRoute = {
      name,
      stable,
      candidate,
      mode: candidate ? (request.mode ?? 'canary') : null,
      percent: candidate && (request.mode ?? 'canary') === 'canary' ? (request.percent ?? 0) : 0,
      routedAt: new Date().toISOString(),
    };
    this.routes.set(name, route);
    this.evictUnrouted(name);
    this.onChange(this.list());
    return route;
  }

  /** Sends all of a model's traffic back to its stable version. */
  async rollback(name: string): Promise<ModelRoute | undefined> {
    const current = this.routes.get(name);
    return current ? this.setRoute(name, { stable: current.stable.version }) : undefined;
  }

  private evictUnrouted(name: string): void {
    const route = this.routes.get(name);
    for (const [key, v] of this.loaded) {
      if (v.name === name && v !== route?.stable && v !== route?.candidate) this.loaded.delete(key);
    }
  }

  /**
   * Which version answers this request: canary routing by a hash of the caller's request id, or by the
   * model's counter when there is none; the stable version otherwise.
   */
  pick(name: string, requestId: string | undefined): { route: ModelRoute; served: LoadedVersion; role: PredictionRole } | undefined {
    const route = this.routes.get(name);
    if (!route) return undefined;
    if (route.mode === 'canary' && route.candidate && route.percent > 0) {
      let toCandidate: boolean;
      if (requestId !== undefined) toCandidate = idRoutesToCandidate(requestId, route.percent);
      else {
        const n = this.counters.get(name) ?? 0;
        this.counters.set(name, n + 1);
        toCandidate = counterRoutesToCandidate(n, route.percent);
      }
      if (toCandidate) return { route, served: route.candidate, role: 'canary' };
    }
    return { route, served: route.stable, role: 'primary' };
  }

  /** Serves every model's `production` alias; used at start-up. */
  async loadProduction(): Promise<ModelRoute[]> {
    const routes: ModelRoute[] = [];
    for (const alias of (await this.registry.listAliases()).filter((a) => a.alias === 'production')) {
      routes.push(await this.setRoute(alias.modelName, { stable: alias.version }));
    }
    return routes;
  }
}
