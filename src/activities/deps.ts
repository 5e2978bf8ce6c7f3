import type { Logger } from 'pino';
import type { ArtifactStore, DuckDbDatasets, GovernanceAdapters, ModelServerClient, PredictionStore } from '../adapters';
import type { MonitoringStore, Registry } from '../domain';

/** What the activities need from the outside world, injected so tests can pass real or fake adapters. */
export interface ActivityDeps {
  readonly datasets: DuckDbDatasets;
  /** The registry port: SQLite or PostgreSQL, whichever the config chose. */
  readonly registry: Registry;
  readonly artifacts: ArtifactStore;
  readonly modelServer: Pick<ModelServerClient, 'route' | 'stats'>;
  readonly governance: GovernanceAdapters;
  /** Prediction log and labels (DuckDB) and the registry's monitoring tables. */
  readonly predictions: PredictionStore;
  readonly monitoring: MonitoringStore;
  readonly codeVersion: string | null;
  readonly logger: Logger;
}
