import { validateDataset, type DatasetSnapshot, type ModelSpec, type ValidationReport } from '../domain';
import type { ActivityDeps } from './deps';
import { heartbeatWhile } from './heartbeat';

export function createDataActivities({ datasets, logger }: ActivityDeps) {
  const log = logger.child({ component: 'data-activities' });
  return {
    /** Copies the spec's dataset into a content-addressed snapshot; returns its reference, never rows. */
    async ingestDataset(input: { spec: ModelSpec }): Promise<DatasetSnapshot> {
      const { dataset } = input.spec;
      const snapshot = await heartbeatWhile({ step: `ingest ${dataset.path}` }, () => datasets.ingest(dataset));
      log.info({ model: input.spec.name, snapshot: snapshot.id, rows: snapshot.rowCount }, 'dataset ingested');
      return snapshot;
    },

    /** Profiles the snapshot with DuckDB and checks it against the spec. Returns the report; the workflow decides. */
    async validateDataset(input: { spec: ModelSpec; snapshot: DatasetSnapshot }): Promise<ValidationReport> {
      const columns = [...input.spec.features.map((f) => f.name), input.spec.target.name];
      const step = `profile ${input.snapshot.rowCount} rows`;
      // A regression target's values are numbers, not classes: no distinct values to list.
      const classTargets = input.spec.target.kind === 'regression' ? [] : [input.spec.target.name];
      const profile = await heartbeatWhile({ step }, () =>
        datasets.profile(input.snapshot, columns, { distinctOf: classTargets }),
      );
      const report = validateDataset(profile, input.spec, input.snapshot.columns.map((c) => c.name));
      log.info({ model: input.spec.name, passed: report.passed, failures: report.failures }, 'dataset validated');
      return report;
    },
  };
}
