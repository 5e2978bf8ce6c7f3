/** @module workers — lifecycle worker construction (`createLifecycleWorker`) and its process entry point (`main.ts`). */
export { createLifecycleWorker, type LifecycleWorkers } from './create-worker';
export { workflowsPath, workflowBundleOptions, sharedWorkflowModules } from './workflow-code';
export { openActivityDeps, detectCodeVersion } from './activity-deps';
export { buildWorkflowBundle, prebuiltWorkflowBundle, workflowSourceHash, defaultBundlePath, StaleBundleError } from './workflow-bundle';
