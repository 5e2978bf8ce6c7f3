import { Context } from '@temporalio/activity';
import {
  FailureType,
  gateChecks,
  isBuiltinTraining,
  summarizeMetrics,
  type BuiltinTraining,
  type CandidateRef,
  type DatasetSnapshot,
  type EvaluationReport,
  type ModelSpec,
} from '../domain';
import {
  classesOfFrame,
  evaluateFrameProbabilities,
  regressionMetrics,
  targetValues,
  trainOnFrame,
  trainRegressionOnFrame,
  type Frame,
  type RegressionRecipe,
  type Regressor,
  type FrameTrainingState,
  type Classifier,
  type SolverSettings,
  type TrainingRecipe,
} from '../domain/ml';
import { readSpecFrameSplit } from './spec-split';
import { builtinEnvironment } from './environment-fingerprint';
import type { ActivityDeps } from './deps';
import { currentWorkflowRun } from './run-context';
import { failure } from './failures';
import { heartbeatWhile } from './heartbeat';

/**
 * Heartbeat payload of the training activity: progress for the UI and the checkpoint to resume from.
 * `epoch`/`epochs` count L-BFGS iterations (cap: `maxIterations`) or Adam epochs.
 */
export interface TrainingProgress {
  readonly epoch: number;
  readonly epochs: number;
  readonly loss: number;
  readonly solver?: 'lbfgs' | 'adam';
  /** URI of the last checkpoint (a bare path in heartbeats of runs from before blob URIs). */
  readonly checkpointPath?: string;
}

const CHECKPOINT_EVERY_MS = 1000;

function recipeOf(
  spec: ModelSpec,
  training: BuiltinTraining,
  snapshot: DatasetSnapshot,
): TrainingRecipe & SolverSettings & RegressionRecipe {
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
    solver: training.solver,
    ...(training.rowWeights ? { rowWeights: training.rowWeights } : {}),
    maxIterations: training.maxIterations,
    tolerance: training.tolerance,
  };
}

/** What evaluation scores: the candidate against the production champion on the snapshot's held-out split. */
type EvaluationInput = { spec: ModelSpec; snapshot: DatasetSnapshot; candidate: CandidateRef };

/** A checkpoint file: the solver's whole state as JSON (typed arrays as plain arrays). */
type StoredCheckpoint =
  | { solver: 'lbfgs'; iteration: number; loss: number; evaluations: number; x: number[]; gradient: number[]; s: number[][]; y: number[][] }
  | { solver: 'adam'; epoch: number; rngState: number; step: number; loss: number; params: number[]; m: number[]; v: number[] };

const plain = (a: Float64Array): number[] => Array.from(a);
const typedArray = (a: number[]): Float64Array => Float64Array.from(a);

function toStored(state: FrameTrainingState): StoredCheckpoint {
  if (state.solver === 'lbfgs') {
    const l = state.lbfgs;
    return { solver: 'lbfgs', iteration: l.iteration, loss: l.loss, evaluations: l.evaluations, x: plain(l.x), gradient: plain(l.gradient), s: l.s.map(plain), y: l.y.map(plain) };
  }
  const a = state.adam;
  return { solver: 'adam', epoch: a.epoch, rngState: a.rngState, step: a.step, loss: a.loss, params: plain(a.params), m: plain(a.m), v: plain(a.v) };
}

/** A checkpoint of another solver (or of the pre-L-BFGS format) is not resumed: training starts over. */
function fromStored(c: StoredCheckpoint, solver: 'lbfgs' | 'adam'): FrameTrainingState | undefined {
  if (c.solver === 'lbfgs' && solver === 'lbfgs') {
    return { solver, lbfgs: { iteration: c.iteration, loss: c.loss, evaluations: c.evaluations, x: typedArray(c.x), gradient: typedArray(c.gradient), s: c.s.map(typedArray), y: c.y.map(typedArray), converged: null } };
  }
  if (c.solver === 'adam' && solver === 'adam') {
    return { solver, adam: { epoch: c.epoch, rngState: c.rngState, step: c.step, loss: c.loss, params: typedArray(c.params), m: typedArray(c.m), v: typedArray(c.v) } };
  }
  return undefined;
}

const progressOf = (state: FrameTrainingState) =>
  state.solver === 'lbfgs' ? { epoch: state.lbfgs.iteration, loss: state.lbfgs.loss } : { epoch: state.adam.epoch, loss: state.adam.loss };

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
        const message = `trainer "${training.trainer}" runs on the training task queue, not in the TypeScript worker`;
        throw failure(FailureType.SpecInvalid, message);
      }
      const { train, test, droppedRows } = await readSpecFrameSplit(datasets, spec, snapshot);
      const regression = spec.target.kind === 'regression';
      if (regression && train.rows < 2) {
        const message = `training split of ${snapshot.id} has ${train.rows} rows with a "${spec.target.name}" value`;
        throw failure(FailureType.TrainingFailed, message);
      }
      if (!regression && classesOfFrame(train, spec.target.name).length < 2) {
        throw failure(FailureType.TrainingFailed, `training split of ${snapshot.id} has fewer than 2 classes`);
      }
      if (droppedRows) log.info({ model: spec.name, droppedRows }, 'rows without a target value left out');
      const exec = currentWorkflowRun();
      const checkpointKey = `${exec.workflowId}-${exec.runId}`.replace(/[^A-Za-z0-9._-]/g, '_');
      const previous = ctx.info.heartbeatDetails as TrainingProgress | undefined;
      let resumeFrom: FrameTrainingState | undefined;
      if (previous?.checkpointPath) {
        const text = await artifacts.readCheckpoint(previous.checkpointPath);
        const stored = text === undefined ? undefined : (JSON.parse(text) as StoredCheckpoint);
        resumeFrom = stored ? fromStored(stored, training.solver) : undefined;
        if (resumeFrom) log.info({ model: spec.name, ...progressOf(resumeFrom), attempt: ctx.info.attempt }, 'resuming training from checkpoint');
      }
      const cap = training.solver === 'lbfgs' ? training.maxIterations : training.epochs;
      let lastCheckpoint = Date.now();
      let checkpointed: string | undefined = resumeFrom ? previous?.checkpointPath : undefined;
      const onProgress = async (state: FrameTrainingState) => {
        if (Date.now() - lastCheckpoint >= CHECKPOINT_EVERY_MS) {
          checkpointed = await artifacts.putCheckpoint(spec.name, checkpointKey, JSON.stringify(toStored(state)));
          lastCheckpoint = Date.now();
        }
        const progress = progressOf(state);
        ctx.heartbeat({ ...progress, epochs: cap, solver: state.solver, ...(checkpointed ? { checkpointPath: checkpointed } : {}) } satisfies TrainingProgress);
        // Yield to the event loop now and then so heartbeats and cancellation get through.
        if (progress.epoch % 10 === 0) await new Promise((r) => setImmediate(r));
        if (ctx.cancellationSignal.aborted) throw ctx.cancellationSignal.reason ?? new Error('cancelled');
      };
      const recipe = recipeOf(spec, training, snapshot);
      const { artifact } = regression
        ? await trainRegressionOnFrame(train, recipe, {
            droppedRows,
            ...(resumeFrom?.solver === 'lbfgs' ? { resumeFrom: resumeFrom.lbfgs } : {}),
            onProgress: (lbfgs) => onProgress({ solver: 'lbfgs', lbfgs }),
          })
        : await trainOnFrame(train, recipe, { ...(resumeFrom ? { resumeFrom } : {}), onProgress });
      const stored = await artifacts.put(artifact);
      if (checkpointed) await artifacts.deleteCheckpoint(checkpointed);
      log.info({ model: spec.name, artifact: stored.sha256, loss: artifact.trainedOn.finalLoss }, 'candidate trained');
      return {
        artifactPath: stored.path,
        artifactSha256: stored.sha256,
        trainRows: train.rows,
        testRows: test.rows,
        epochs: artifact.trainedOn.epochs,
        finalLoss: artifact.trainedOn.finalLoss,
        environment: { ...builtinEnvironment() },
      };
    },

    /**
     * Scores candidate and champion on the held-out split (see `evaluate`), heartbeating while it runs. Any
     * artifact kind (built-in JSON or ONNX from an external trainer) is scored here, by the same code.
     */
    async evaluateCandidate(input: EvaluationInput): Promise<EvaluationReport> {
      const step = `evaluate on the held-out split of ${input.snapshot.id.slice(0, 12)}`;
      return heartbeatWhile({ step }, () => evaluate(input));
    },
  };

  /** Scores candidate and current champion on the same held-out split, then applies the spec's gate. */
  async function evaluate(input: EvaluationInput): Promise<EvaluationReport> {
    const { spec, snapshot, candidate } = input;
    if (spec.target.kind === 'regression') return evaluateRegression(input);
    const production = await registry.findByAlias(spec.name, 'production');
    // Each artifact is read (and verified) once: the champion's features decide the columns, then it scores.
    const championScorer = production ? await scorerOf(production) : null;
    // A champion of the other kind (a regression model) is not compared: the gate skips vs-champion checks.
    const championModel = championScorer && !('kind' in championScorer) ? championScorer : null;
    const missing = championModel?.features.filter((f) => !snapshot.columns.some((c) => c.name === f.name)) ?? [];
    // The champion may use features the spec no longer lists: read those columns too, so it is scored as served.
    const extra = missing.length
      ? []
      : (championModel?.features ?? []).filter((f) => !spec.features.some((s) => s.name === f.name));
    const { test } = await readSpecFrameSplit(datasets, spec, snapshot, extra);
    const score = async (model: Classifier) => {
      const probabilities = await model.frameProbabilityMatrix(test);
      return summarizeMetrics(evaluateFrameProbabilities(model.classes, probabilities, test, spec.target.name));
    };
    const { model: candidateModel } = await artifacts.classifier(candidate.artifactPath, candidate.artifactSha256);
    const candidateMetrics = await score(candidateModel);
    let champion: EvaluationReport['champion'] = null;
    if (production && championModel && missing.length === 0) {
      champion = { version: production.version, metrics: await score(championModel) };
    } else if (production) {
      log.warn({ model: spec.name, missing: missing.map((f) => f.name) }, 'champion cannot be scored on this dataset');
    }
    const checks = gateChecks(candidateMetrics, champion?.metrics ?? null, spec.thresholds);
    return { candidate: candidateMetrics, champion, checks, blessed: checks.every((c) => c.passed), testRows: test.rows };
  }

  /**
   * Regression: RMSE, MAE and R² of candidate and champion on the same held-out rows (rows without a target
   * value are left out, as in training), then the spec's regression gate.
   */
  async function evaluateRegression(input: EvaluationInput): Promise<EvaluationReport> {
    const { spec, snapshot, candidate } = input;
    const production = await registry.findByAlias(spec.name, 'production');
    const loaded = production ? await scorerOf(production) : null;
    const championModel = loaded && 'kind' in loaded ? loaded : null;
    const missing = championModel?.features.filter((f) => !snapshot.columns.some((c) => c.name === f.name)) ?? [];
    const unlisted = (championModel?.features ?? []).filter((f) => !spec.features.some((s) => s.name === f.name));
    const extra = missing.length ? [] : unlisted;
    const { test } = await readSpecFrameSplit(datasets, spec, snapshot, extra);
    const truth = targetValues(test, spec.target.name);
    const score = (model: Regressor, frame: Frame) => regressionMetrics(truth, model.framePredictions(frame));
    const { model: candidateModel } = await artifacts.regressor(candidate.artifactPath, candidate.artifactSha256);
    const candidateMetrics = score(candidateModel, test);
    let champion: EvaluationReport['champion'] = null;
    if (production && championModel && missing.length === 0) {
      champion = { version: production.version, metrics: score(championModel, test) };
    } else if (production) {
      const why = championModel ? `missing ${missing.map((f) => f.name).join(', ')}` : 'it is not a regression model';
      log.warn({ model: spec.name, version: production.version, why }, 'champion cannot be scored on this dataset');
    }
    const checks = gateChecks(candidateMetrics, champion?.metrics ?? null, spec.thresholds);
    const blessed = checks.every((c) => c.passed);
    return { candidate: candidateMetrics, champion, checks, blessed, testRows: test.rows };
  }

  /** The production version's model, whichever kind it is. */
  async function scorerOf(version: { artifactPath: string; artifactSha256: string }) {
    return (await artifacts.scorer(version.artifactPath, version.artifactSha256)).model;
  }
}
