import { randomBytes } from 'node:crypto';
import { appendFile, mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { Logger } from 'pino';
import type { BlobStore, PredictionRecord, PredictionSink } from '../domain';

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

export interface PredictionLogOptions {
  /** Write buffered records this often (ms). */
  readonly flushMs: number;
  /** Also write as soon as this many records are buffered. */
  readonly maxBuffered?: number;
  readonly logger?: Logger;
  /**
   * A remote blob store (S3) the written files are copied to (`predictions/<model>/<file>`), after each
   * flush that touched them; unset when the log folder already is the local blob store's.
   */
  readonly upload?: BlobStore;
}

/**
 * The model server's prediction sink. `record` only appends to an in-memory buffer (the request never
 * waits on disk); a timer writes the buffer out in batches. Writes are serialised, and a failed write puts
 * its records back at the head of the buffer for the next attempt, so nothing is dropped while the process
 * lives; `close` writes what is left (call it on a clean shutdown, after the HTTP server stopped).
 */
export class FilePredictionLog implements PredictionSink {
  private buffer: PredictionRecord[] = [];
  private chain: Promise<void> = Promise.resolve();
  private readonly timer: NodeJS.Timeout;
  private readonly writer = `${process.pid}-${randomBytes(3).toString('hex')}`;
  private readonly maxBuffered: number;
  private written = 0;
  private readonly interrupted = new Set<string>();
  /** Files written locally whose latest bytes the upload store has not got yet (path → key). */
  private readonly unpublished = new Map<string, string>();

  constructor(
    private readonly dir: string,
    private readonly options: PredictionLogOptions,
  ) {
    this.maxBuffered = options.maxBuffered ?? 5000;
    this.timer = setInterval(() => void this.flush().catch(() => undefined), options.flushMs);
    this.timer.unref();
  }

  record(p: PredictionRecord): void {
    this.buffer.push(p);
    if (this.buffer.length >= this.maxBuffered) void this.flush().catch(() => undefined);
  }

  /** Writes everything recorded so far; resolves when it is on disk (rejects if the write failed). */
  flush(): Promise<void> {
    const next = this.chain.then(() => this.writeBuffered());
    this.chain = next.catch(() => undefined);
    return next;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  /** Records written to disk by this process (for logs and tests). */
  get writtenCount(): number {
    return this.written;
  }

  private pathOf(p: PredictionRecord): string {
    return join(predictionLogLayout.modelDir(this.dir, p.model), predictionLogLayout.fileName(predictionLogLayout.hourKey(p.at), this.writer));
  }

  /** Copies every file written since its last upload to the blob store; a failed one is tried again next flush. */
  private async publish(): Promise<void> {
    const store = this.options.upload;
    if (!store) return;
    for (const [path, key] of [...this.unpublished]) {
      await store.putFile(key, path);
      this.unpublished.delete(path);
    }
  }

  private async writeBuffered(): Promise<void> {
    if (this.buffer.length === 0) return this.publish();
    const batch = this.buffer;
    this.buffer = [];
    const groups = new Map<string, PredictionRecord[]>();
    for (const p of batch) {
      const path = this.pathOf(p);
      const records = groups.get(path);
      if (records) records.push(p);
      else groups.set(path, [p]);
    }
    const done = new Set<string>();
    try {
      for (const [path, records] of groups) {
        await mkdir(dirname(path), { recursive: true });
        // After a failed write the file may end in a partial line: start on a fresh line so the next record stays readable.
        const lead = this.interrupted.delete(path) ? '\n' : '';
        await appendFile(path, `${lead}${records.map((r) => JSON.stringify(r)).join('\n')}\n`);
        done.add(path);
        const first = records[0] as PredictionRecord;
        this.unpublished.set(path, `predictions/${encodeURIComponent(first.model)}/${predictionLogLayout.fileName(predictionLogLayout.hourKey(first.at), this.writer)}`);
        this.written += records.length;
      }
    } catch (err) {
      const unwritten = [...groups].filter(([path]) => !done.has(path));
      for (const [path] of unwritten) this.interrupted.add(path);
      this.buffer = [...unwritten.flatMap(([, records]) => records), ...this.buffer];
      this.options.logger?.error({ err, buffered: this.buffer.length }, 'prediction log write failed; records kept for the next flush');
      throw err;
    }
    try {
      await this.publish();
    } catch (err) {
      this.options.logger?.error({ err, files: this.unpublished.size }, 'prediction log upload failed; tried again at the next flush');
      throw err;
    }
  }
}
