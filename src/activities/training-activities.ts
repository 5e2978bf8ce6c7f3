import { Context } from '@temporalio/activity';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { FailureType, gateChecks, isBuiltinTraining, summarizeMetrics, type BuiltinTraining, type CandidateRef, type DatasetSnapshot, type EvaluationReport, type ModelSpec } from '../domain';
import { evaluateProbabilities, trainModel, type TrainState, type TrainingRecipe } from '../domain/ml';
import { readSpecSplit } from './spec-split';
import { builtinEnvironment } from './environment-fingerprint';
import type { ActivityDeps } from './deps';
import { currentWorkflowRun } from './run-context';
import { failure } from './failures';

/** Heartbeat payload of the training activity: progress for the UI and the checkpoint to resume from. */
export interface TrainingProgress {
  readonly epoch: number;
  readonly epochs: number;
  readonly loss: number;
  readonly checkpointPath?: string;
}

const CHECKPOINT_EVERY_MS = 1000;

function recipeOf(spec: ModelSpec, training: BuiltinTraining, snapshot: DatasetSnapshot): TrainingRecipe {
  return {
    modelName: spec.name,
    datasetId: snapshot.id,
    target: spec.target.name,
    features: spec.features,
    ...(spec.target.classes ? { classes: spec.target.classes } : {}),
    testFraction: spec.split.testFraction,
    splitSeed: spec.split.seed,
    epochs: training.epochs,
    learningRate: training.learningRate,
    l2: training.l2,
    seed: training.seed,
    classWeight: training.classWeight,
  };
}

interface StoredCheckpoint {
  epoch: number;
  rngState: number;
  step: number;
  loss: number;
  params: number[];
  m: number[];
  v: number[];
}

const toStored = (s: TrainState): StoredCheckpoint => ({ epoch: s.epoch, rngState: s.rngState, step: s.step, loss: s.loss, params: Array.from(s.params), m: Array.from(s.m), v: Array.from(s.v) });
const fromStored = (c: StoredCheckpoint): TrainState => ({ ...c, params: Float64Array.from(c.params), m: Float64Array.from(c.m), v: Float64Array.from(c.v) });

export function createTrainingActivities({ datasets, artifacts, registry, logger }: ActivityDeps) {
  const log = logger.child({ component: 'training-activities' });

  return {
    /**
     * Trains the candidate on the training split. Heartbeats progress and checkpoints the optimiser so a
     * retry after a worker crash resumes from the last checkpoint instead of starting over.
     */
    async trainCandidate(input: { spec: ModelSpec; snapshot: DatasetSnapshot }): Promise<CandidateRef> {
      const ctx = Context.current();
      const { spec, snapshot } = input;
      const training = spec.training;
      if (!isBuiltinTraining(training)) {
        // The workflow sends external trainers to the training task queue; reaching here is a routing bug.
        throw failure(FailureType.SpecInvalid, `trainer "${training.trainer}" runs on the training task queue, not in the TypeScript worker`);
      }
      const { train, test } = await readSpecSplit(datasets, spec, snapshot);
      if (new Set(train.map((r) => r[spec.target.name])).size < 2) {
        throw failure(FailureType.TrainingFailed, `training split of ${snapshot.id} has fewer than 2 classes`);
      }
      const exec = currentWorkflowRun();
      const checkpointPath = artifacts.checkpointPath(spec.name, `${exec.workflowId}-${exec.runId}`.replace(/[^A-Za-z0-9._-]/g, '_'));
      const previous = ctx.info.heartbeatDetails as TrainingProgress | undefined;
      let resumeFrom: TrainState | undefined;
      if (previous?.checkpointPath) {
        const stored = await readFile(previous.checkpointPath, 'utf8').then((b) => JSON.parse(b) as StoredCheckpoint).catch(() => undefined);
        if (stored) {
          resumeFrom = fromStored(stored);
          log.info({ model: spec.name, epoch: stored.epoch, attempt: ctx.info.attempt }, 'resuming training from checkpoint');
        }
      }
      let lastCheckpoint = Date.now();
      let checkpointed: string | undefined = resumeFrom ? previous?.checkpointPath : undefined;
      const { artifact } = await trainModel(train, recipeOf(spec, training, snapshot), {
        ...(resumeFrom ? { resumeFrom } : {}),
        onEpoch: async (state) => {
          if (Date.now() - lastCheckpoint >= CHECKPOINT_EVERY_MS) {
            await mkdir(dirname(checkpointPath), { recursive: true });
            await writeFile(`${checkpointPath}.tmp`, JSON.stringify(toStored(state)));
            await rename(`${checkpointPath}.tmp`, checkpointPath);
            checkpointed = checkpointPath;
            lastCheckpoint = Date.now();
          }
          ctx.heartbeat({ epoch: state.epoch, epochs: training.epochs, loss: state.loss, ...(checkpointed ? { checkpointPath: checkpointed } : {}) } satisfies TrainingProgress);
          // Yield to the event loop every few epochs so heartbeats and cancellation get through.
          if (state.epoch % 10 === 0) await new Promise((r) => setImmediate(r));
          if (ctx.cancellationSignal.aborted) throw ctx.cancellationSignal.reason ?? new Error('cancelled');
        },
      });
      const stored = await artifacts.put(artifact);
      await rm(checkpointPath, { force: true });
      log.info({ model: spec.name, artifact: stored.sha256, loss: artifact.trainedOn.finalLoss }, 'candidate trained');
      return {
        artifactPath: stored.path,
        artifactSha256: stored.sha256,
        trainRows: train.length,
        testRows: test.length,
        epochs: artifact.trainedOn.epochs,
        finalLoss: artifact.trainedOn.finalLoss,
        environment: { ...builtinEnvironment() },
      };
    },

    /**
     * Scores candidate and current champion on the same held-out split, then applies the spec's gate. Any
     * artifact kind (built-in JSON or ONNX from an external trainer) is scored here, by the same code.
     */
    async evaluateCandidate(input: { spec: ModelSpec; snapshot: DatasetSnapshot; candidate: CandidateRef }): Promise<EvaluationReport> {
      const { spec, snapshot, candidate } = input;
      const { test } = await readSpecSplit(datasets, spec, snapshot);
      const score = async (path: string, sha256: string) => {
        const { model } = await artifacts.classifier(path, sha256);
        return summarizeMetrics(evaluateProbabilities(model.classes, await model.probabilityMatrix(test), test, spec.target.name));
      };
      const candidateMetrics = await score(candidate.artifactPath, candidate.artifactSha256);
      let champion: EvaluationReport['champion'] = null;
      const production = registry.findByAlias(spec.name, 'production');
      if (production) {
        const championArtifact = await artifacts.get(production.artifactPath, production.artifactSha256);
        const missing = championArtifact.features.filter((f) => !snapshot.columns.some((c) => c.name === f.name));
        if (missing.length === 0) {
          champion = { version: production.version, metrics: await score(production.artifactPath, production.artifactSha256) };
        } else {
          log.warn({ model: spec.name, missing: missing.map((f) => f.name) }, 'champion cannot be scored on this dataset');
        }
      }
      const checks = gateChecks(candidateMetrics, champion?.metrics ?? null, spec.thresholds);
      return { candidate: candidateMetrics, champion, checks, blessed: checks.every((c) => c.passed), testRows: test.length };
    },
  };
}
