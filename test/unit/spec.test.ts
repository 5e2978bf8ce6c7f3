import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDurationMs, parseModelSpec } from '../../src/domain';
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
