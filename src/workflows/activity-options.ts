import { proxyActivities, type ActivityOptions, type LocalActivityOptions } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { permanentFailureTypes } from '../domain/failure-types';

/**
 * Timeouts and retries per kind of step. Every activity call uses one of these; none relies on defaults.
 * Retries are bounded by time (schedule-to-close), not by a count of attempts: a model server or Temporal
 * outage of 10 minutes costs retries, never a run. Steps that can run longer than a few seconds heartbeat
 * (`src/activities/heartbeat.ts`), so a killed worker is noticed within the heartbeat timeout and the step
 * is retried on another worker within ~10–15 s, while start-to-close is sized to the work itself.
 */
const retry = {
  initialInterval: '1s',
  backoffCoefficient: 2,
  maximumInterval: '30s',
  nonRetryableErrorTypes: permanentFailureTypes,
} as const;
/** A worker that stops heartbeating for this long is considered dead; its step is retried. */
const heartbeatTimeout = '10s';

/** DuckDB work (ingest, validation, evaluation, profiles, monitor reports): heartbeats, up to 30 min of work. */
export const dataStepOptions: ActivityOptions = {
  startToCloseTimeout: '30m',
  heartbeatTimeout,
  scheduleToCloseTimeout: '2h',
  retry,
};
export const trainingStepOptions: ActivityOptions = {
  startToCloseTimeout: '2h',
  // A crashed worker is noticed within the heartbeat timeout; the retry resumes from the last checkpoint.
  heartbeatTimeout,
  retry: { ...retry, maximumAttempts: 10 },
};
/** One SQLite transaction: seconds at most; retried for 30 minutes (a locked or briefly unavailable disk). */
export const registryStepOptions: ActivityOptions = {
  startToCloseTimeout: '30s',
  scheduleToCloseTimeout: '30m',
  retry,
};
/** Model server calls (heartbeating while it loads a version); an outage is retried for up to an hour. */
export const deployStepOptions: ActivityOptions = {
  startToCloseTimeout: '2m',
  heartbeatTimeout,
  scheduleToCloseTimeout: '1h',
  retry: { ...retry, maximumInterval: '1m' },
};
/**
 * Audit appends: a local activity (one SQLite transaction of a few ms), so each batch costs one marker event
 * instead of an activity's three plus a workflow task. A few quick attempts, bounded: a local activity's failed
 * attempts never reach the history, so past this bound the workflow's trail takes over — it shows the failure
 * (status, UI details) and tries again after a durable timer (src/workflows/audit-trail.ts).
 */
export const auditStepOptions: LocalActivityOptions = {
  startToCloseTimeout: '30s',
  scheduleToCloseTimeout: '1m',
  retry: {
    initialInterval: '1s',
    backoffCoefficient: 2,
    maximumInterval: '10s',
    maximumAttempts: 3,
    nonRetryableErrorTypes: permanentFailureTypes,
  },
};
/** Escalation is best effort: a few tries, bounded in time, so a dead webhook never delays the deadline. */
export const escalationStepOptions: ActivityOptions = {
  startToCloseTimeout: '30s',
  scheduleToCloseTimeout: '2m',
  retry: { ...retry, maximumAttempts: 3 },
};

/** The activities, scheduled with a step kind's options and a summary the Web UI shows for the call. */
export const activities = (options: ActivityOptions, summary: string) => proxyActivities<Activities>({ ...options, summary });
