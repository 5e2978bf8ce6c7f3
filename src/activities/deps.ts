import type { Logger } from 'pino';
import type { ArtifactStore, DuckDbDatasets, GovernanceAdapters, ModelServerClient, MonitoringRegistry, PredictionStore, SqliteRegistry } from '../adapters';

/** What the activities need from the outside world, injected so tests can pass real or fake adapters. */
export interface ActivityDeps {
  readonly datasets: DuckDbDatasets;
  readonly registry: SqliteRegistry;
  readonly artifacts: ArtifactStore;
  readonly modelServer: Pick<ModelServerClient, 'route' | 'stats'>;
  readonly governance: GovernanceAdapters;
  /** Prediction log and labels (DuckDB) and the registry's monitoring tables. */
  readonly predictions: PredictionStore;
  readonly monitoring: MonitoringRegistry;
  readonly codeVersion: string | null;
  readonly logger: Logger;
}
