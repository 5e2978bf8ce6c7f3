import { createHash } from 'node:crypto';
import {
  FailureType,
  isBuiltinTraining,
  judgeWindow,
  monitorPolicy,
  monitorWindow,
  parseDurationMs,
  parseModelSpec,
  resolveMonitoring,
  summarizeReport,
  type ModelSpec,
  type MonitorSummary,
  type MonitorWindow,
  type RetrainOutcome,
} from '../domain';
import { RETRAIN_SOURCE_COLUMN, type ModelVersionRow } from '../adapters';
import type { ActivityDeps } from './deps';
import { failure } from './failures';
import { profileTrainingSplit } from './profile-activities';
import { currentWorkflowRun } from './run-context';
import { heartbeatWhile } from './heartbeat';

const compactTime = (iso: string) => iso.replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
const windowBefore = (endIso: string, ms: number): MonitorWindow => ({ start: new Date(Date.parse(endIso) - ms).toISOString(), end: endIso });

export function createMonitoringActivities(deps: ActivityDeps) {
  const { registry, monitoring, predictions, artifacts } = deps;
  const log = deps.logger.child({ component: 'monitoring-activities' });

  async function production(model: string): Promise<ModelVersionRow> {
    const row = await registry.findByAlias(model, 'production');
    if (row) return row;
    if ((await registry.listVersions(model)).length === 0) throw failure(FailureType.ModelNotFound, `no model named "${model}" is registered`);
    throw failure(FailureType.ModelNotDeployed, `${model} has no version in production: deploy one before monitoring it`);
  }

  function specOf(row: ModelVersionRow): ModelSpec {
    const parsed = parseModelSpec(row.spec);
    if (!parsed.ok) throw failure(FailureType.SpecInvalid, `the stored spec of ${row.modelName}@${row.version} no longer parses: ${parsed.problems.join('; ')}`);
    return parsed.spec;
  }

  /** The monitor report itself (see `computeMonitorReport`); `progress` names the step for the heartbeat. */
  async function monitorReport(
    input: { model: string; windowEnd: string },
    progress: (now: Record<string, unknown>) => void,
  ): Promise<MonitorSummary> {
    const run = currentWorkflowRun();
    const row = await production(input.model);
    const spec = specOf(row);
    const m = resolveMonitoring(spec.monitoring);
    const policy = monitorPolicy(m);
    const stored = await monitoring.reportOfRun(run.workflowId, run.runId);
    if (stored) return summarizeReport(stored, policy, await monitoring.lastRetrainStart(input.model));

    // Versions registered before monitoring existed get their profile now, from their own snapshot.
    if (!(await monitoring.getProfile(row.modelName, row.version))) {
      await profileTrainingSplit(deps, { spec, snapshot: { id: row.datasetId, snapshotPath: row.datasetPath }, version: row.version });
    }
    const profile = await monitoring.getProfile(row.modelName, row.version);
    if (!profile) throw new Error(`reference profile of ${row.modelName}@${row.version} was not stored`);

    const window = monitorWindow(input.windowEnd, await monitoring.previousWindowEnd(input.model, input.windowEnd), policy.windowMs);
    progress({ step: 'reading the prediction log', window });
    const data = await predictions.readWindow({ model: input.model, window, features: spec.features });
    let performance;
    if (m.performance) {
      const perfWindow = windowBefore(window.end, parseDurationMs(m.performance.window ?? m.window));
      progress({ step: 'joining labels', window: perfWindow });
      const labelled = await predictions.readLabelled({ model: input.model, version: row.version, window: perfWindow });
      const artifact = await artifacts.get(row.artifactPath, row.artifactSha256);
      const classes = 'classes' in artifact ? artifact.classes : []; // a regression model has none
      performance = { window: perfWindow, labelled, classes, evaluated: row.metrics };
    }
    const report = judgeWindow({
      // Run ids are time-ordered (UUIDv7): a hash of the run tells reports of the same minute apart.
      id: `${input.model}-${compactTime(window.end)}-${createHash('sha256').update(`${run.workflowId}/${run.runId}`).digest('hex').slice(0, 8)}`,
      model: input.model,
      version: row.version,
      profileId: profile.id,
      window,
      createdAt: new Date().toISOString(),
      features: spec.features,
      profiles: profile.profiles,
      data,
      monitoring: m,
      ...(performance ? { performance } : {}),
    });
    const saved = await monitoring.saveReport(report, run);
    log.info({ model: input.model, version: row.version, report: saved.id, verdict: saved.verdict, rows: saved.rows, share: saved.drift.dataset.driftedShare }, 'monitor report stored');
    return summarizeReport(saved, policy, await monitoring.lastRetrainStart(input.model));
  }

  return {
    /**
     * Judges the window ending at `windowEnd` for the model's production version: drift of the served
     * features against the version's reference profile and, when the spec asks, realized performance on
     * labelled predictions. Stores the full report in the registry and returns its summary.
     */
    async computeMonitorReport(input: { model: string; windowEnd: string }): Promise<MonitorSummary> {
      const step = `monitor report of ${input.model}, window ending ${input.windowEnd}`;
      return heartbeatWhile({ step }, (progress) => monitorReport(input, progress));
    },

    /**
     * The spec a retrain runs: the reporting version's spec with its dataset replaced by a Parquet file of
     * the base data (the spec's `monitoring.retrain.dataset`, else the version's own snapshot) plus the
     * labelled predictions of `monitoring.retrain.labelledWindow`. Keyed by report: a retry reuses the file.
     */
    async prepareRetrainSpec(input: { model: string; version: number; reportId: string; windowEnd: string }): Promise<{ spec: ModelSpec; datasetPath: string; baseRows: number; labelledRows: number }> {
      const row = await registry.getVersion(input.model, input.version);
      const spec = specOf(row);
      const retrain = resolveMonitoring(spec.monitoring).retrain;
      const base = retrain.dataset ?? { path: row.datasetPath, format: 'parquet' as const };
      const labelled = retrain.labelledWindow ? windowBefore(input.windowEnd, parseDurationMs(retrain.labelledWindow)) : null;
      const built = await heartbeatWhile({ step: `retrain dataset for report ${input.reportId}` }, () =>
        predictions.materializeRetrainSet({
          model: input.model,
          key: input.reportId,
          base,
          features: spec.features,
          target: spec.target.name,
          targetKind: spec.target.kind,
          labelled,
        }),
      );
      log.info({ model: input.model, report: input.reportId, ...built }, 'retrain dataset prepared');
      // The retrain data policy: labelled recent rows weigh `labelledWeight` base rows in the loss.
      // (Built-in L-BFGS training only; external trainers get the rows unweighted.)
      const builtin = isBuiltinTraining(spec.training) ? spec.training : null;
      const weighted = built.labelledRows > 0 && retrain.labelledWeight !== 1 && builtin?.solver === 'lbfgs';
      const rowWeights = { column: RETRAIN_SOURCE_COLUMN, weights: { labelled: retrain.labelledWeight, base: 1 }, otherwise: 1 };
      const training = weighted && builtin ? { ...builtin, rowWeights } : spec.training;
      const retrainSpec: ModelSpec = { ...spec, dataset: { path: built.path, format: 'parquet' }, training };
      return { spec: retrainSpec, datasetPath: built.path, baseRows: built.baseRows, labelledRows: built.labelledRows };
    },

    /** Records what the report led to (retrain started, already running, cooldown, …) with the report. */
    async recordRetrainOutcome(input: { reportId: string; outcome: RetrainOutcome }): Promise<void> {
      await monitoring.recordRetrain(input.reportId, input.outcome);
    },
  };
}
