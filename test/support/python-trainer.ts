import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { AppConfig } from '../../src/domain';
import { repoRoot } from './paths';

export const pythonTrainerDir = join(repoRoot, 'trainers/python');
export const trainerFixtures = join(repoRoot, 'test/fixtures/trainers');

/** The training worker's venv python, installed by scripts/ensure-python-trainer.sh when missing. */
export function trainerPython(): string {
  const python = join(pythonTrainerDir, '.venv/bin/python');
  if (!existsSync(python))
    execFileSync('bash', [join(repoRoot, 'scripts/ensure-python-trainer.sh')], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  return python;
}

export interface PythonTrainer {
  readonly child: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

/**
 * Starts the Python training worker as a child process on the stack's Temporal server, training queue and
 * data dir; resolves once it prints that it polls (its own ready line, not a sleep).
 */
export async function startPythonTrainer(env: Record<string, string>): Promise<PythonTrainer> {
  const child = spawn(trainerPython(), ['-m', 'mlops_trainer.worker'], {
    cwd: pythonTrainerDir,
    env: { ...process.env, MLOPS_TRAINER_PATH: trainerFixtures, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const onData = (d: Buffer) => {
      out += d.toString();
      if (out.includes('training worker ready')) resolve();
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) =>
      reject(new Error(`python training worker exited (${code}) before it was ready:\n${out}`)),
    );
  });
  return {
    child,
    output: () => out,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** The training worker joined to a test stack: its Temporal server and data dir, its (or another) training queue. */
export function startTrainerFor(config: AppConfig, taskQueue = config.temporal.trainingTaskQueue): Promise<PythonTrainer> {
  return startPythonTrainer({
    TEMPORAL_ADDRESS: config.temporal.address,
    MLOPS_TRAINING_TASK_QUEUE: taskQueue,
    MLOPS_DATA_DIR: config.dataDir,
  });
}
