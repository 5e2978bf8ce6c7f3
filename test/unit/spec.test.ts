import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDurationMs, parseModelSpec, resolveModelSpec, SpecInvalidError } from '../../src/domain';
import { repoRoot } from '../support/paths';

test.each(['weather-classifier.json', 'seattle-weather.json'])('example spec %s is valid', (file) => {
  const parsed = parseModelSpec(JSON.parse(readFileSync(join(repoRoot, 'examples', file), 'utf8')));
  expect(parsed).toMatchObject({ ok: true });
});

test('defaults fill training, split and thresholds', () => {
  const parsed = parseModelSpec({ name: 'm1', dataset: { path: 'x.csv' }, target: { name: 'y' }, features: [{ name: 'a', type: 'numeric' }] });
  if (!parsed.ok) throw new Error(parsed.problems.join());
  expect(parsed.spec.training).toMatchObject({ algorithm: 'logistic-regression', epochs: 300, seed: 7 });
  expect(parsed.spec.split).toEqual({ testFraction: 0.25, seed: 42 });
  expect(parsed.spec.features[0]).toMatchObject({ maxNullFraction: 0 });
});

test('problems are reported per path, all at once', () => {
  const parsed = parseModelSpec({
    name: 'Bad Name',
    dataset: { path: '' },
    target: { name: 'y' },
    features: [{ name: 'y', type: 'numeric' }, { name: 'b', type: 'text' }],
    unknownField: 1,
  });
  expect(parsed.ok).toBe(false);
  const problems = parsed.ok ? [] : parsed.problems.join('\n');
  expect(problems).toMatch(/^name: lowercase letters/m);
  expect(problems).toMatch(/^dataset\.path:/m);
  expect(problems).toMatch(/^features\.1/m);
  expect(problems).toMatch(/unknownField/);
});

test('a feature that is also the target is refused', () => {
  const parsed = parseModelSpec({ name: 'm1', dataset: { path: 'x.csv' }, target: { name: 'a' }, features: [{ name: 'a', type: 'numeric' }] });
  expect(parsed.ok ? '' : parsed.problems.join()).toMatch(/target "a" is also a feature/);
});

test('durations', () => {
  expect(parseDurationMs('90s')).toBe(90_000);
  expect(parseDurationMs('7d')).toBe(604_800_000);
  expect(() => parseDurationMs('soon')).toThrow(/not a duration/);
});

/** docs/versioning.md: a run carries the resolved spec, and re-parsing it in the workflow must change nothing. */
const examples = ['weather-classifier.json', 'seattle-weather.json', 'governed-weather-classifier.json'];
test.each(examples)('the resolved spec of %s is a fixed point: parsing it again changes nothing', (file) => {
  const resolved = resolveModelSpec(JSON.parse(readFileSync(join(repoRoot, 'examples', file), 'utf8')));
  const wire = JSON.parse(JSON.stringify(resolved)) as unknown; // what the workflow input carries
  expect(resolveModelSpec(wire)).toEqual(resolved);
  expect(resolved.training).toMatchObject({ solver: 'lbfgs', maxIterations: expect.any(Number), tolerance: expect.any(Number) });
  expect(resolved.approval).toBeDefined();
  expect(resolved.deployment).toBeDefined();
});

test('a resolved spec keeps its values when the defaults change: nothing is left for a default to fill', () => {
  const minimal = { name: 'm1', dataset: { path: 'x.csv' }, target: { name: 'y' }, features: [{ name: 'a', type: 'numeric' }] };
  const resolved = resolveModelSpec(minimal);
  // Every optional-with-default field is present in the resolved spec, at every level the schema defaults.
  expect(Object.keys(resolved)).toEqual(expect.arrayContaining(['minRows', 'split', 'training', 'thresholds', 'approval', 'deployment']));
  expect(Object.keys(resolved.training).sort()).toEqual(
    ['algorithm', 'classWeight', 'epochs', 'l2', 'learningRate', 'maxIterations', 'seed', 'solver', 'tolerance'].sort(),
  );
});

test('resolveModelSpec refuses a bad spec with a typed SpecInvalid error naming every problem', () => {
  const err = (() => {
    try {
      return resolveModelSpec({ name: 'X', features: [] });
    } catch (e) {
      return e;
    }
  })();
  expect(err).toBeInstanceOf(SpecInvalidError);
  expect(err).toMatchObject({ type: 'SpecInvalid', problems: expect.arrayContaining([expect.stringMatching(/^name:/), expect.stringMatching(/^dataset:/)]) });
});
