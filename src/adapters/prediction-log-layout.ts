import { join, resolve } from 'node:path';

/**
 * Layout of the prediction log: append-only newline-delimited JSON, one file per model, UTC hour and
 * writer process — `<dir>/<model>/<YYYY-MM-DD>T<HH>.<writer>.ndjson`. The hour in the name lets readers
 * open only the files a window touches; the writer id keeps two server processes from interleaving lines.
 */
export const predictionLogLayout = {
  modelDir: (dir: string, model: string) => resolve(join(dir, encodeURIComponent(model))),
  hourKey: (isoTime: string) => isoTime.slice(0, 13),
  fileName: (hourKey: string, writer: string) => `${hourKey}.${writer}.ndjson`,
  /** The hour a log file covers (start, ms since epoch), or null for a foreign file. */
  hourOf(fileName: string): number | null {
    const m = /^(\d{4}-\d{2}-\d{2}T\d{2})\.[A-Za-z0-9_-]+\.ndjson$/.exec(fileName);
    if (!m) return null;
    const t = Date.parse(`${m[1]}:00:00.000Z`);
    return Number.isFinite(t) ? t : null;
  },
};
