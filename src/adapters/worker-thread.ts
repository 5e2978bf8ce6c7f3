import { Worker } from 'node:worker_threads';

/**
 * Starts a worker thread running the module at `modulePath` (a compiled `.js` file). When the code runs from
 * its TypeScript sources (jest, through swc), the thread strips the types the same way before loading it: a
 * require hook in the thread, since hooks are per thread.
 */
export function startWorkerThread(modulePath: string, workerData: unknown): Worker {
  if (!modulePath.endsWith('.ts')) return new Worker(modulePath, { workerData });
  const swc = require.resolve('@swc/core');
  const hook = `const fs = require('node:fs'); const { transformSync } = require(${JSON.stringify(swc)});
require.extensions['.ts'] = (m, f) => m._compile(transformSync(fs.readFileSync(f, 'utf8'), { filename: f,
  jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } }).code, f);
require(${JSON.stringify(modulePath)});`;
  return new Worker(hook, { eval: true, workerData });
}
