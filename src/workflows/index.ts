/**
 * @module workflows — deterministic orchestration only; the single `workflowsPath` of the worker.
 * Imports: `@temporalio/workflow`, the pure domain, and `import type` of activities. Workflows: the model
 * lifecycle, its deployment child and its hyper-parameter search trial children, and the scheduled model monitor
 * (which starts lifecycles as retraining children).
 */
type Lifecycle = typeof import('./model-lifecycle');
type Deployment = typeof import('./deployment');
type Monitor = typeof import('./model-monitor');
type Trial = typeof import('./hyper-search-trial');

// The SDK evaluates, again for every new run, each module the run's workflow needs (README "scale — per-run
// module cost"). Each workflow here requires its module when it starts, so a run loads its own workflow's
// modules alone: a deployment child no longer builds the spec's zod schemas, a lifecycle not the monitor's.
export const modelLifecycleWorkflow: Lifecycle['modelLifecycleWorkflow'] = (...args) =>
  (require('./model-lifecycle') as Lifecycle).modelLifecycleWorkflow(...args);
export const deploymentWorkflow: Deployment['deploymentWorkflow'] = (...args) =>
  (require('./deployment') as Deployment).deploymentWorkflow(...args);
export const modelMonitorWorkflow: Monitor['modelMonitorWorkflow'] = (...args) =>
  (require('./model-monitor') as Monitor).modelMonitorWorkflow(...args);
export const hyperSearchTrialWorkflow: Trial['hyperSearchTrialWorkflow'] = (...args) =>
  (require('./hyper-search-trial') as Trial).hyperSearchTrialWorkflow(...args);
