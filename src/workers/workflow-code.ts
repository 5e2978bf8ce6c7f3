/**
 * @module workflow-code — which workflow code a worker runs and how it is bundled.
 */

/** Where the worker finds workflow code: a prebuilt bundle when given (tests, production), else the source. */
export const workflowsPath = require.resolve('../workflows');

/**
 * Libraries instantiated once per worker and shared by every workflow run, instead of once per run. The SDK's
 * reusable V8 context gives each run its own instance of every module it imports: zod with its 130 locales and
 * the ed25519 code were ~0.9 MB of the ~2 MB of heap each cached run spent on modules (README "scale — parked
 * approvals"). Both are pure and keep no per-run state; the SDK deep-freezes what is shared. The domain's own
 * modules stay per run: zod schema objects rewrite themselves on first use (`_zod.parse`), which a frozen
 * instance refuses.
 */
export const sharedWorkflowModules: readonly string[] = [require.resolve('../workflows/shared-libraries')];

/** Options of the worker's own bundling when it has no prebuilt bundle (`WorkerOptions.bundlerOptions`). */
export const workerBundlerOptions = () => ({ preloadModules: [...sharedWorkflowModules] });

/** The bundler options every bundle of ours uses: prebuilt, tests', and the worker's own fallback. */
export const workflowBundleOptions = () => ({ workflowsPath, ...workerBundlerOptions() });
