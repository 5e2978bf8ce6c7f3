import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const repoRoot = resolve(__dirname, '../..');
export const weatherCsv = join(repoRoot, 'node_modules/vega-datasets/data/weather.csv');
export const temporalAddress = (): string => process.env['MLOPS_TEST_TEMPORAL_ADDRESS'] ?? '127.0.0.1:7288';
export const tempDir = (prefix: string): string => mkdtempSync(join(tmpdir(), `mlops-${prefix}-`));
