/**
 * Benchmark (not a test): worker cold start — process start to "worker started" (polling) — with the prebuilt
 * workflow bundle and with bundling at start (MLOPS_WORKFLOW_BUNDLE=none), alternating, on the same server.
 * Usage: bash bench/cold-start.sh [runs]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..');
const runs = Number(process.argv[2] ?? 3);

function startOnce(env: Record<string, string>): Promise<number> {
  const t0 = performance.now();
  const child = spawn(process.execPath, [join(ROOT, 'dist/src/workers/main.js')], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolvePromise, reject) => {
    let out = '';
    const onData = (d: Buffer) => {
      out += d.toString();
      if (out.includes('worker started')) {
        const ms = performance.now() - t0;
        child.kill('SIGKILL');
        resolvePromise(ms);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      if (!out.includes('worker started')) reject(new Error(`worker exited ${code} before starting:\n${out}`));
    });
  });
}

async function main(): Promise<void> {
  const base = { TEMPORAL_ADDRESS: process.env['TEMPORAL_ADDRESS'] ?? '127.0.0.1:7277', MLOPS_DATA_DIR: mkdtempSync(join(tmpdir(), 'mlops-bench-cold-')), MLOPS_LOG_LEVEL: 'info' };
  const prebuilt: number[] = [];
  const bundling: number[] = [];
  for (let i = 0; i < runs; i++) {
    prebuilt.push(await startOnce({ ...base, MLOPS_TASK_QUEUE: `cold-${i}-a` }));
    bundling.push(await startOnce({ ...base, MLOPS_TASK_QUEUE: `cold-${i}-b`, MLOPS_WORKFLOW_BUNDLE: 'none' }));
  }
  const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)] as number;
  const fmt = (v: number[]) => `median ${median(v).toFixed(0)} ms (${v.map((x) => x.toFixed(0)).join(', ')})`;
  console.log(`worker cold start, process start → "worker started", ${runs} runs each`);
  console.log(`  prebuilt bundle:    ${fmt(prebuilt)}`);
  console.log(`  bundling at start:  ${fmt(bundling)}`);
  console.log(`  ratio prebuilt/bundling: ${(median(prebuilt) / median(bundling)).toFixed(2)}×`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
