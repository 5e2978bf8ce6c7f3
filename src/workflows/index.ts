/**
 * @module workflows — deterministic orchestration only; the single `workflowsPath` of the worker.
 * Imports: `@temporalio/workflow`, the pure domain, and `import type` of activities.
 */
export { modelLifecycleWorkflow } from './model-lifecycle';
export { deploymentWorkflow } from './deployment';
