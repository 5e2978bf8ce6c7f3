import { createHash } from 'node:crypto';
import { readdir, readFile, writeFile, rename } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { sharedWorkflowModules, workflowBundleOptions, workflowsPath } from './workflow-code';

/**
 * The prebuilt workflow bundle: `bundleWorkflowCode` runs once at build time (`npm run build`, and
 * `scripts/ensure-deps.sh` when the code changed), so a worker polls within about a second of starting
 * instead of spending seconds in webpack. A manifest records the hash of the code it was built from; a worker
 * refuses a bundle whose hash no longer matches its own workflow code.
 */
export interface BundleManifest {
  readonly sourceHash: string;
  readonly builtAt: string;
  readonly sdkVersion: string;
}

/** Thrown when the prebuilt bundle was built from other workflow code than this build's. */
export class StaleBundleError extends Error {
  override name = 'StaleBundleError';
}

/** Default location: beside the compiled code (`dist/workflow-bundle.js`). */
export const defaultBundlePath = resolve(__dirname, '..', '..', 'workflow-bundle.js');
const manifestPathOf = (codePath: string): string => codePath.replace(/\.js$/, '.json');
const sdkVersion = (): string => (require('@temporalio/workflow/package.json') as { version: string }).version;

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const nested = await Promise.all(entries.map(async (e) => (e.isDirectory() ? listFiles(join(dir, e.name)) : e.name.endsWith('.js') || e.name.endsWith('.ts') ? [join(dir, e.name)] : [])));
  return nested.flat();
}

/** sha256 over the workflow and domain code (what the bundle contains of ours) and the workflow SDK's version. */
export async function workflowSourceHash(): Promise<string> {
  const srcRoot = resolve(dirname(workflowsPath), '..');
  const files = (await Promise.all(['workflows', 'domain'].map((d) => listFiles(join(srcRoot, d))))).flat().sort();
  const hash = createHash('sha256').update(`@temporalio/workflow@${sdkVersion()}\n`);
  // A bundle built with other shared modules is stale too.
  hash.update(`preload ${JSON.stringify(sharedWorkflowModules.map((m) => relative(srcRoot, m).replace(/\.[jt]s$/, '')))}\n`);
  for (const file of files) hash.update(`${relative(srcRoot, file)}\n`).update(await readFile(file));
  return hash.digest('hex');
}

/** Bundles the workflow code and writes it with its manifest (atomically); skips the work when it is current. */
export async function buildWorkflowBundle(codePath = defaultBundlePath): Promise<{ built: boolean; manifest: BundleManifest }> {
  const sourceHash = await workflowSourceHash();
  const existing = await readFile(manifestPathOf(codePath), 'utf8').then((t) => JSON.parse(t) as BundleManifest).catch(() => null);
  if (existing?.sourceHash === sourceHash && (await readFile(codePath).then(() => true).catch(() => false))) return { built: false, manifest: existing };
  const { code } = await bundleWorkflowCode({ ...workflowBundleOptions(), logger: { trace() {}, debug() {}, info() {}, warn() {}, error() {}, log() {} } as never });
  const manifest: BundleManifest = { sourceHash, builtAt: new Date().toISOString(), sdkVersion: sdkVersion() };
  await writeFile(`${codePath}.tmp`, code);
  await rename(`${codePath}.tmp`, codePath);
  await writeFile(manifestPathOf(codePath), `${JSON.stringify(manifest, null, 2)}\n`);
  return { built: true, manifest };
}

/**
 * The prebuilt bundle to hand the worker, or null when there is none (the worker then bundles at start).
 * @throws StaleBundleError when the bundle was built from other workflow code: rebuild with `npm run build`.
 */
export async function prebuiltWorkflowBundle(codePath = defaultBundlePath): Promise<{ codePath: string } | null> {
  const manifest = await readFile(manifestPathOf(codePath), 'utf8').then((t) => JSON.parse(t) as BundleManifest).catch(() => null);
  if (!manifest || !(await readFile(codePath).then(() => true).catch(() => false))) return null;
  const sourceHash = await workflowSourceHash();
  if (manifest.sourceHash !== sourceHash) {
    throw new StaleBundleError(
      `the workflow bundle ${codePath} (built ${manifest.builtAt}) was built from other workflow code than this worker's ` +
        `(bundle ${manifest.sourceHash.slice(0, 12)}, code ${sourceHash.slice(0, 12)}): run \`npm run build\` (or set MLOPS_WORKFLOW_BUNDLE=none)`,
    );
  }
  return { codePath };
}
