import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ml } from '../../src/domain';

/** Located through the package, so this also works from the compiled bench in dist/. */
export const weatherCsvPath = join(dirname(require.resolve('vega-datasets')), '..', 'data', 'weather.csv');

export const weatherFeatures = [
  { name: 'location', type: 'categorical' as const },
  { name: 'precipitation', type: 'numeric' as const },
  { name: 'temp_max', type: 'numeric' as const },
  { name: 'temp_min', type: 'numeric' as const },
  { name: 'wind', type: 'numeric' as const },
];

/** The weather data set's rows (features and label), parsed from the CSV. */
export function weatherRows(): (ml.Row & { weather: string })[] {
  const [, ...lines] = readFileSync(weatherCsvPath, 'utf8').trim().split('\n');
  return lines.map((line) => {
    const [location, , precipitation, tempMax, tempMin, wind, weather] = line.split(',');
    return { location: location as string, precipitation: Number(precipitation), temp_max: Number(tempMax), temp_min: Number(tempMin), wind: Number(wind), weather: weather as string };
  });
}

/** Feature rows only, as a predict request carries them. */
export const featureRows = (): ml.Row[] => weatherRows().map(({ weather: _label, ...features }) => features);
