import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isBuiltinTraining, parseModelSpec, type ModelSpec } from '../../src/domain';
import { repoRoot } from '../support/paths';

/**
 * Every spec in examples/ parses with the spec schema, and together they show each trainer kind: built-in,
 * scikit-learn, XGBoost, LightGBM, a user Python function (whose module ships beside them) and a search.
 */
const examplesDir = join(repoRoot, 'examples');
/** JSON files of examples/ that are not model specs. */
const NOT_SPECS = new Set(['approvers.json']);

function exampleSpecs(): { file: string; spec: ModelSpec }[] {
  const files = readdirSync(examplesDir).filter((f) => f.endsWith('.json') && !NOT_SPECS.has(f));
  return files.map((file) => {
    const parsed = parseModelSpec(JSON.parse(readFileSync(join(examplesDir, file), 'utf8')));
    if (!parsed.ok) throw new Error(`examples/${file} is not a valid spec:\n  ${parsed.problems.join('\n  ')}`);
    return { file, spec: parsed.spec };
  });
}

test('every example spec parses with the spec schema and names a dataset that exists', () => {
  const specs = exampleSpecs();
  expect(specs.length).toBeGreaterThanOrEqual(6);
  for (const { file, spec } of specs) {
    expect({ file, exists: existsSync(join(examplesDir, spec.dataset.path)) }).toEqual({ file, exists: true });
  }
});

test('the examples cover every trainer kind and a hyper-parameter search', () => {
  const kindOf = ({ spec: { training: t } }: { spec: ModelSpec }) => (isBuiltinTraining(t) ? 'builtin' : t.trainer);
  const kinds = new Set(exampleSpecs().map(kindOf));
  expect([...kinds].sort()).toEqual(['builtin', 'lightgbm', 'python', 'sklearn', 'xgboost']);
  expect(exampleSpecs().some(({ spec }) => !isBuiltinTraining(spec.training) && spec.training.search)).toBe(true);
});

test("the python example's entrypoint module ships in examples/trainers (the worker's MLOPS_TRAINER_PATH)", () => {
  const entrypoints = exampleSpecs().flatMap(({ spec: { training: t } }) =>
    t.trainer === 'python' ? [t.entrypoint] : [],
  );
  expect(entrypoints.length).toBeGreaterThan(0);
  for (const entrypoint of entrypoints) {
    const [module, fn] = entrypoint.split(':') as [string, string];
    const source = readFileSync(join(examplesDir, 'trainers', `${module.replace(/\./g, '/')}.py`), 'utf8');
    expect(source).toMatch(new RegExp(`^def ${fn}\\(X, y, params\\):`, 'm'));
  }
});
