/**
 * The demo's Python training worker (trainers/python): it serves the training task queue, where the lifecycle
 * sends `trainCandidate` of external trainers (scikit-learn, XGBoost, LightGBM, user code). demo.sh installs its
 * venv first (scripts/ensure-python-trainer.sh); the compiled demo started directly (tests) installs it here
 * when missing. It starts beside the control worker and stops with it.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startProcess, type ManagedProcess } from './processes';

/** The line the worker prints once it polls its queue (trainers/python/mlops_trainer/worker.py). */
const READY_LINE = 'training worker ready';
/** Importing scikit-learn, ONNX and the boosting libraries takes a few seconds; more on a busy machine. */
const READY_TIMEOUT_MS = 120_000;

/** The venv python (installed by scripts/ensure-python-trainer.sh when missing). */
export function venvPython(root: string): string {
  const python = join(root, 'trainers/python/.venv/bin/python');
  if (existsSync(python)) return python;
  const script = join(root, 'scripts/ensure-python-trainer.sh');
  return execFileSync('bash', [script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
}

export interface TrainingWorker {
  readonly process: ManagedProcess;
  /** Resolves once the worker polls; awaited where the first external training starts. */
  ready(): Promise<void>;
}

/**
 * Starts `python -m mlops_trainer.worker` with the demo's environment (Temporal address, data dir, training
 * queue); user training functions are looked up in examples/trainers (examples/weather-python.json).
 */
export function startTrainingWorker(root: string, env: NodeJS.ProcessEnv, logDir: string): TrainingWorker {
  const trainerEnv = {
    ...env,
    PYTHONPATH: join(root, 'trainers/python'),
    MLOPS_TRAINER_PATH: env['MLOPS_TRAINER_PATH'] ?? join(root, 'examples/trainers'),
    PYTHONUNBUFFERED: '1',
  };
  const worker = startProcess('training-worker', '-m', trainerEnv, logDir, ['mlops_trainer.worker'], venvPython(root));
  const started = worker.waitForOutput(READY_LINE, READY_TIMEOUT_MS);
  started.catch(() => undefined); // reported by ready(), where the demo waits for it
  return { process: worker, ready: () => started };
}
