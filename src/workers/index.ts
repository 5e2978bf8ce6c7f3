/** @module workers — lifecycle worker construction (`createLifecycleWorker`) and its process entry point (`main.ts`). */
export { createLifecycleWorker, workflowsPath } from './create-worker';
export { openActivityDeps, detectCodeVersion } from './activity-deps';
export { buildWorkflowBundle, prebuiltWorkflowBundle, workflowSourceHash, defaultBundlePath, StaleBundleError } from './workflow-bundle';
