/** @module workers — lifecycle worker construction (`createLifecycleWorker`) and its process entry point (`main.ts`). */
export { createLifecycleWorker, workflowsPath, type LifecycleWorkers } from './create-worker';
export { openActivityDeps, detectCodeVersion } from './activity-deps';
export { buildWorkflowBundle, prebuiltWorkflowBundle, workflowSourceHash, defaultBundlePath, StaleBundleError } from './workflow-bundle';
