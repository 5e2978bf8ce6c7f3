import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { failureCatalogue, permanentFailureTypes, type FailureType } from '../../src/domain';
import { repoRoot } from '../support/paths';

const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');

test.each(Object.keys(failureCatalogue) as FailureType[])('failure type %s is documented in the README with its retryability', (type) => {
  const row = readme.split('\n').find((line) => line.startsWith(`| \`${type}\` |`));
  expect(row).toBeDefined();
  expect(row).toContain(failureCatalogue[type].retryable ? '| yes |' : '| no |');
});

test('permanent failure types are exactly the non-retryable entries', () => {
  expect(permanentFailureTypes.sort()).toEqual((Object.keys(failureCatalogue) as FailureType[]).filter((t) => !failureCatalogue[t].retryable).sort());
  expect(permanentFailureTypes).not.toContain('ModelServerUnavailable');
});
