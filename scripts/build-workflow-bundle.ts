/** `node dist/scripts/build-workflow-bundle.js`: writes dist/workflow-bundle.js + .json unless they are current. */
import { buildWorkflowBundle, defaultBundlePath } from '../src/workers/workflow-bundle';

buildWorkflowBundle(defaultBundlePath).then(
  ({ built, manifest }) => {
    process.stderr.write(`[workflow-bundle] ${built ? 'built' : 'current'}: ${defaultBundlePath} (code ${manifest.sourceHash.slice(0, 12)})\n`);
  },
  (err: unknown) => {
    process.stderr.write(`[workflow-bundle] failed: ${(err as Error).stack}\n`);
    process.exit(1);
  },
);
