import type { RecordedDecision } from '../lifecycle';
import type { AuditEvent, AuditEventInput } from '../governance/audit';
import type { AliasHistoryEntry } from '../history';
import type { DeploymentRecordState, RolloutStep } from '../rollout';
import type { MonitorReport, ReferenceProfileSet, RetrainOutcome } from '../monitoring';
import type {
  AliasHistoryRow,
  AliasRow,
  AuditAppendResult,
  AuditFilter,
  DecisionRow,
  DeploymentRow,
  ModelVersionRow,
  NewDeployment,
  NewVersion,
  PlanDeployment,
  QueueAnswer,
  ReportRow,
  StoredProfile,
  TagChange,
  VersionStatus,
  VersionTag,
} from './rows';

/**
 * Versions, decisions and aliases. Every write is idempotent on the workflow run that makes it, so an activity
 * retried after a crash never creates a second version, decision or alias move.
 */
export interface ModelVersions {
  /** Registers the next version of a model; returns the existing one (`created: false`) on a replay of the run. */
  registerVersion(v: NewVersion): Promise<{ version: number; created: boolean }>;
  /** @throws Error when the version does not exist. */
  setStatus(modelName: string, version: number, status: VersionStatus, reason?: string | null): Promise<void>;
  /** Marks a version `failed` unless it is in production; returns the status it has afterwards. */
  markFailed(modelName: string, version: number, reason: string): Promise<VersionStatus>;
  recordDecision(d: {
    modelName: string;
    version: number;
    decision: RecordedDecision;
    workflowId: string;
    runId: string;
  }): Promise<void>;
  decisionsFor(modelName: string, version: number): Promise<DecisionRow[]>;
  /** Moves an alias and appends the move to its history (audited), atomically and once per workflow run. */
  moveAlias(m: {
    modelName: string;
    alias: string;
    version: number;
    actor: string;
    workflowId?: string;
    runId?: string;
    reason?: string;
  }): Promise<{ from: number | null }>;
  /** Removes an alias (a history row with no target); `from` null when it was not set (nothing recorded). */
  deleteAlias(m: {
    modelName: string;
    alias: string;
    actor: string;
    reason?: string;
  }): Promise<{ from: number | null }>;
  /** @throws VersionNotFoundError */
  getVersion(modelName: string, version: number): Promise<ModelVersionRow>;
  findByAlias(modelName: string, alias: string): Promise<ModelVersionRow | null>;
  listVersions(modelName?: string): Promise<ModelVersionRow[]>;
  listAliases(modelName?: string): Promise<AliasRow[]>;
  /** Moves of one alias, oldest first. */
  aliasHistory(modelName: string, alias?: string): Promise<AliasHistoryRow[]>;
  /** Every move of every alias of a model, oldest first (for its timeline). */
  aliasMoves(modelName: string): Promise<AliasHistoryEntry[]>;
}

/** The append-only governance audit trail. */
export interface AuditLog {
  /**
   * Appends a run's events idempotently: an event whose key is stored already is skipped.
   * @throws AuditConflictError when a stored event under one of the keys is another event; nothing is stored.
   */
  append(workflowId: string, runId: string, events: readonly AuditEventInput[]): Promise<AuditAppendResult>;
  /** Events in the order they were appended. */
  list(filter?: AuditFilter): Promise<AuditEvent[]>;
}

/** Deployment history and the per-model deployment queue (FIFO; at most one running per model). */
export interface DeploymentLedger {
  /** Records a deployment, running at once or queued; the same workflow run gets its row back. */
  begin(d: NewDeployment, plan: PlanDeployment): Promise<QueueAnswer>;
  /** Starts a queued deployment when its turn has come, else says what it waits for. */
  claim(id: number, plan: PlanDeployment): Promise<QueueAnswer>;
  recordSteps(id: number, steps: readonly RolloutStep[]): Promise<void>;
  /** Closes a running or queued deployment; closing one already closed changes nothing. */
  finish(
    id: number,
    state: Exclude<DeploymentRecordState, 'running'>,
    outcomeReason: string,
    steps: readonly RolloutStep[],
  ): Promise<DeploymentRow>;
  get(id: number): Promise<DeploymentRow>;
  running(model: string): Promise<DeploymentRow | null>;
  /** Oldest (next to run) first. */
  queued(model: string): Promise<DeploymentRow[]>;
  /** Newest first. */
  list(model: string): Promise<DeploymentRow[]>;
}

/** Reference profiles (immutable), monitor reports and the retrain each report led to. */
export interface MonitoringStore {
  saveProfile(p: {
    modelName: string;
    version: number;
    datasetId: string;
    profiles: ReferenceProfileSet;
  }): Promise<{ id: string; created: boolean }>;
  getProfile(modelName: string, version: number): Promise<StoredProfile | null>;
  /** A retried activity of the same run gets the report that run already stored. */
  saveReport(report: MonitorReport, run: { workflowId: string; runId: string }): Promise<MonitorReport>;
  reportOfRun(workflowId: string, runId: string): Promise<MonitorReport | null>;
  previousWindowEnd(modelName: string, before: string): Promise<string | null>;
  lastRetrainStart(modelName: string): Promise<string | null>;
  /** Records what the report led to, once. @throws Error for an unknown report. */
  recordRetrain(reportId: string, o: RetrainOutcome): Promise<void>;
  listReports(modelName: string, limit?: number): Promise<ReportRow[]>;
  getReport(id: string): Promise<{ row: ReportRow; report: MonitorReport } | null>;
}

/** Key/value tags on versions, every change kept in an append-only (audited) history. */
export interface VersionTags {
  /** Returns the keys whose value changed. @throws VersionNotFoundError */
  set(m: { modelName: string; version: number; tags: Record<string, string>; actor: string }): Promise<string[]>;
  /** Returns the keys that existed. @throws VersionNotFoundError */
  delete(m: { modelName: string; version: number; keys: string[]; actor: string }): Promise<string[]>;
  list(modelName?: string): Promise<VersionTag[]>;
  versionsTagged(
    filters: { key: string; value: string }[],
    modelName?: string,
  ): Promise<{ modelName: string; version: number }[]>;
  history(modelName: string): Promise<TagChange[]>;
}

/**
 * The model registry as the activities, the CLI and the model server see it — whatever stores it (SQLite
 * embedded, or PostgreSQL). Version methods sit on the registry itself; the other tables hang off it.
 */
export interface Registry extends ModelVersions {
  /** Which implementation this is, for logs and messages. */
  readonly dialect: 'sqlite' | 'postgres';
  readonly audit: AuditLog;
  readonly deployments: DeploymentLedger;
  readonly monitoring: MonitoringStore;
  readonly tags: VersionTags;
  close(): Promise<void>;
}
