import type { ModelSpec } from './spec';

/**
 * What a regression spec (`target.kind: "regression"`) may not ask for, and what a classification spec may
 * not borrow from regression: each problem names its path, so a refused spec says exactly what to change.
 */
export interface SpecProblem {
  readonly message: string;
  readonly path: (string | number)[];
}

const CLASSIFICATION_THRESHOLDS = [
  'minAccuracy',
  'minMacroF1',
  'maxLogLoss',
  'minAuc',
  'maxAccuracyDropVsChampion',
  'maxMacroF1DropVsChampion',
  'maxLogLossRiseVsChampion',
] as const;
const REGRESSION_THRESHOLDS = [
  'maxRmse',
  'maxMae',
  'minR2',
  'maxRmseRiseVsChampion',
  'maxMaeRiseVsChampion',
  'maxR2DropVsChampion',
] as const;

export function regressionSpecProblems(spec: ModelSpec): SpecProblem[] {
  const problems: SpecProblem[] = [];
  const regression = spec.target.kind === 'regression';
  const wrongThresholds = regression ? CLASSIFICATION_THRESHOLDS : REGRESSION_THRESHOLDS;
  for (const name of wrongThresholds) {
    if (spec.thresholds[name] !== undefined) {
      problems.push({ message: `a ${spec.target.kind} target has no such threshold`, path: ['thresholds', name] });
    }
  }
  const metric = spec.monitoring?.performance?.metric;
  const regressionMetric = metric === 'rmse' || metric === 'mae';
  if (metric !== undefined && regressionMetric !== regression) {
    const allowed = regression ? '"rmse" or "mae"' : '"accuracy" or "macroF1"';
    const message = `a ${spec.target.kind} target is monitored by ${allowed}`;
    problems.push({ message, path: ['monitoring', 'performance', 'metric'] });
  }
  if (regressionMetric && spec.monitoring?.performance?.maxRise === undefined) {
    const message = `required with metric "${metric}": how far the realized error may exceed the evaluated one`;
    problems.push({ message, path: ['monitoring', 'performance', 'maxRise'] });
  }
  if (!regression) return problems;
  if (spec.target.classes) {
    problems.push({ message: 'classes are for classification targets', path: ['target', 'classes'] });
  }
  const t = spec.training;
  if (t.trainer !== undefined && t.trainer !== 'builtin') {
    const message =
      `regression runs on the built-in trainer only (linear model, L2); trainer "${t.trainer}" is not supported`;
    problems.push({ message, path: ['training', 'trainer'] });
  } else if (t.solver !== 'lbfgs') {
    problems.push({ message: 'regression needs solver "lbfgs"', path: ['training', 'solver'] });
  } else if (t.classWeight !== 'none') {
    problems.push({ message: 'class weights are for classification targets', path: ['training', 'classWeight'] });
  }
  if (spec.deployment.strategy === 'shadow') {
    // Shadow promotion judges label agreement, which a continuous value does not have.
    const message = 'a regression model rolls out "direct" or "canary" (shadow judges label agreement)';
    problems.push({ message, path: ['deployment', 'strategy'] });
  }
  return problems;
}
