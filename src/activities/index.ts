/**
 * @module activities — every side effect of the lifecycle and of monitoring, built by `createActivities(deps)` from injected
 * adapters. Adapter errors leave as typed `ApplicationFailure`s of the failure catalogue.
 */
import type { ActivityDeps } from './deps';
import { createDataActivities } from './data-activities';
import { createTrainingActivities } from './training-activities';
import { createRegistryActivities } from './registry-activities';
import { createDeploymentActivities } from './deployment-activities';
import { createGovernanceActivities } from './governance-activities';
import { createProfileActivities } from './profile-activities';
import { createRegistrationActivities } from './registration-activities';
import { createMonitoringActivities } from './monitoring-activities';
import { typed } from './failures';
import { contextualLogger } from './activity-logger';

export type { ActivityDeps } from './deps';
export type { TrainingProgress } from './training-activities';
export type { EscalationNotice, EscalationWebhookBody } from './governance-activities';

export function createActivities(input: ActivityDeps) {
  // Every activity log line names the workflow run, activity type and attempt it was written for.
  const deps: ActivityDeps = { ...input, logger: contextualLogger(input.logger) };
  const all = {
    ...createDataActivities(deps),
    ...createTrainingActivities(deps),
    ...createRegistryActivities(deps),
    ...createDeploymentActivities(deps),
    ...createGovernanceActivities(deps),
    ...createProfileActivities(deps),
    ...createRegistrationActivities(deps),
    ...createMonitoringActivities(deps),
  };
  return Object.fromEntries(Object.entries(all).map(([name, fn]) => [name, typed(fn as (...a: unknown[]) => Promise<unknown>)])) as typeof all;
}

export type Activities = ReturnType<typeof createActivities>;
