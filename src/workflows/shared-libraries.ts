/**
 * The libraries a worker instantiates once and shares with every workflow run (the bundle's `preloadModules`,
 * src/workers/workflow-code.ts). Re-exported rather than imported for effect: both packages declare
 * `sideEffects: false`, so webpack would drop a bare import and nothing would be shared.
 * @module
 */
import { z } from 'zod';

export { z };
export { ed25519 } from '@noble/curves/ed25519';

// zod completes its global config (default locale, memoizer) when the first schema is built. The SDK freezes
// what is shared before any run builds one, so build one now: afterwards zod has nothing left to write there.
z.object({ settled: z.array(z.string()) });
