/**
 * @module workflows — deterministic orchestration only; the single `workflowsPath` of the worker.
 * Imports: `@temporalio/workflow`, the pure domain, and `import type` of activities. Workflows: the model
 * lifecycle and the scheduled model monitor (which starts lifecycles as retraining children).
 */
export { modelLifecycleWorkflow } from './model-lifecycle';
export { modelMonitorWorkflow } from './model-monitor';
