import { proxyActivities, type ActivityOptions, type LocalActivityOptions } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { permanentFailureTypes } from '../domain/failure-types';

/** Timeouts and retries per kind of step. Every activity call uses one of these; none relies on defaults. */
const retry = {
  initialInterval: '1s',
  backoffCoefficient: 2,
  maximumInterval: '30s',
  maximumAttempts: 5,
  nonRetryableErrorTypes: permanentFailureTypes,
} as const;

export const dataStepOptions: ActivityOptions = { startToCloseTimeout: '10m', scheduleToCloseTimeout: '30m', retry };
export const trainingStepOptions: ActivityOptions = {
  startToCloseTimeout: '2h',
  // A crashed worker is noticed within the heartbeat timeout; the retry resumes from the last checkpoint.
  heartbeatTimeout: '10s',
  retry: { ...retry, maximumAttempts: 10 },
};
export const registryStepOptions: ActivityOptions = { startToCloseTimeout: '30s', scheduleToCloseTimeout: '5m', retry };
export const deployStepOptions: ActivityOptions = {
  startToCloseTimeout: '2m',
  scheduleToCloseTimeout: '30m',
  retry: { ...retry, maximumAttempts: 20, maximumInterval: '1m' },
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
