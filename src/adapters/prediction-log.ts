import { randomBytes } from 'node:crypto';
import { appendFile, mkdir } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import type { Logger } from 'pino';
import type { BlobStore, PredictionRecord, PredictionSink } from '../domain';
import { LineBuffer } from './line-buffer';

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
  /**
   * Lines waiting for the disk, by file. A record is stringified once, when recorded: the cost is spread over
   * the requests instead of landing on the one that meets a flush of thousands (p99 of large batches).
   */
  private pending = new Map<string, LineBuffer>();
  private pendingCount = 0;
  /** File of each model and hour seen (`model \u0001 hour`), and the directories known to exist. */
  private readonly paths = new Map<string, string>();
  private readonly madeDirs = new Set<string>();
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
    const path = this.pathOf(p);
    let lines = this.pending.get(path);
    if (!lines) this.pending.set(path, (lines = new LineBuffer()));
    lines.append(JSON.stringify(p));
    // Once per filling (not on every record past the mark: each call would chain one more flush behind a slow write).
    if (++this.pendingCount === this.maxBuffered) void this.flush().catch(() => undefined);
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
    const hour = predictionLogLayout.hourKey(p.at);
    const key = `${p.model}\u0001${hour}`;
    let path = this.paths.get(key);
    if (path === undefined) {
      if (this.paths.size > 1000) this.paths.clear(); // one entry per model and hour: keep it from growing forever
      path = join(predictionLogLayout.modelDir(this.dir, p.model), predictionLogLayout.fileName(hour, this.writer));
      this.paths.set(key, path);
    }
    return path;
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
    if (this.pendingCount === 0) return this.publish();
    const groups = this.pending;
    this.pending = new Map();
    this.pendingCount = 0;
    const done = new Set<string>();
    try {
      for (const [path, lines] of groups) {
        const dir = dirname(path);
        if (!this.madeDirs.has(dir)) {
          await mkdir(dir, { recursive: true });
          this.madeDirs.add(dir);
        }
        // After a failed write the file may end in a partial line: start on a fresh line so the next record stays readable.
        const lead = this.interrupted.delete(path) ? '\n' : '';
        await appendFile(path, lead ? Buffer.concat([Buffer.from(lead), lines.bytes()]) : lines.bytes());
        done.add(path);
        if (this.options.upload) this.unpublished.set(path, `predictions/${relative(resolve(this.dir), path)}`);
        this.written += lines.count;
      }
    } catch (err) {
      this.madeDirs.clear(); // a directory may have gone away: check them all again
      for (const [path, lines] of groups) {
        if (done.has(path)) continue;
        this.interrupted.add(path);
        this.pending.set(path, lines.prependTo(this.pending.get(path))); // older lines first
        this.pendingCount += lines.count;
      }
      this.options.logger?.error({ err, buffered: this.pendingCount }, 'prediction log write failed; records kept for the next flush');
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
