/**
 * @module workflows — deterministic orchestration only; the single `workflowsPath` of the worker.
 * Imports: `@temporalio/workflow`, the pure domain, and `import type` of activities. Workflows: the model
 * lifecycle, its deployment child and its hyper-parameter search trial children, and the scheduled model monitor
 * (which starts lifecycles as retraining children).
 */
export { modelLifecycleWorkflow } from './model-lifecycle';
export { deploymentWorkflow } from './deployment';
export { modelMonitorWorkflow } from './model-monitor';
export { hyperSearchTrialWorkflow } from './hyper-search-trial';
