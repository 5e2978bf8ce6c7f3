import { randomBytes } from 'node:crypto';
import { extname, join, relative, resolve } from 'node:path';
import type { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import type { BlobStore, PredictionRecord, PredictionSink, ScoredRequest } from '../domain';
import { ChunkEncoder } from './prediction-log-codec';
import type { WriteReply, WriteRequest, WriterThreadData } from './prediction-log-thread';
import { startWorkerThread } from './worker-thread';

export { predictionLogLayout } from './prediction-log-layout';

export interface PredictionLogOptions {
  /** Write buffered records this often (ms). */
  readonly flushMs: number;
  /** Also write as soon as this many records are buffered. */
  readonly maxBuffered?: number;
  /**
   * Bytes of records (binary, as encoded) not yet taken up by the writer thread beyond which `backpressure()`
   * makes the server wait before answering (default 64 MiB): bursts are absorbed, a sustained overload slows
   * answers down instead of growing memory without end.
   */
  readonly maxBacklogBytes?: number;
  readonly logger?: Logger;
  /**
   * A remote blob store (S3) the written files are copied to (`predictions/<model>/<file>`), after each
   * flush that touched them; unset when the log folder already is the local blob store's.
   */
  readonly upload?: BlobStore;
}

/**
 * The model server's prediction sink. `record`/`recordScored` only encode into an in-memory chunk (the request
 * never waits on disk or on JSON); a writer thread (prediction-log-thread.ts) turns the chunks into log lines
 * and appends them, when the timer fires or `maxBuffered` records wait. Writes are serialised, and a failed
 * write keeps its lines in the writer for the next attempt, so nothing is dropped while the process lives;
 * `close` writes what is left (call it on a clean shutdown, after the HTTP server stopped).
 */
export class FilePredictionLog implements PredictionSink {
  private encoder = new ChunkEncoder();
  private chain: Promise<void> = Promise.resolve();
  private readonly timer: NodeJS.Timeout;
  private readonly writerId = `${process.pid}-${randomBytes(3).toString('hex')}`;
  private readonly maxBuffered: number;
  private readonly maxBacklogBytes: number;
  /** Bytes of records handed to the writer thread that it has not answered for yet. */
  private unanswered = 0;
  private drainWaiters: (() => void)[] = [];
  private written = 0;
  /** The writer thread, started with the first write; replaced if it ever dies. */
  private thread: Worker | null = null;
  private readonly replies = new Map<number, { resolve: (r: WriteReply) => void; reject: (e: Error) => void }>();
  private nextId = 0;
  /** Files written locally whose latest bytes the upload store has not got yet (path → key). */
  private readonly unpublished = new Map<string, string>();

  constructor(
    private readonly dir: string,
    private readonly options: PredictionLogOptions,
  ) {
    this.maxBuffered = options.maxBuffered ?? 5000;
    this.maxBacklogBytes = options.maxBacklogBytes ?? 64 * 1024 * 1024;
    this.timer = setInterval(() => void this.flush().catch(() => undefined), options.flushMs);
    this.timer.unref();
  }

  record(p: PredictionRecord): void {
    this.encoder.line(p.model, p.at, JSON.stringify(p));
    this.filled(1);
  }

  recordScored(s: ScoredRequest): void {
    this.encoder.scored(s);
    this.filled(s.rows.length);
  }

  /** Null while the writer keeps up; otherwise resolves once it has caught up to half the allowed backlog. */
  backpressure(): Promise<void> | null {
    if (this.backlogBytes() < this.maxBacklogBytes) return null;
    return new Promise((resolvePromise) => this.drainWaiters.push(resolvePromise));
  }

  /** Writes everything recorded so far; resolves when it is on disk (rejects if the write failed). */
  flush(): Promise<void> {
    const next = this.chain.then(() => this.writeBuffered());
    this.chain = next.catch(() => undefined);
    return next;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    this.releaseWaiters();
    try {
      await this.flush();
    } finally {
      await this.thread?.terminate();
      this.thread = null;
    }
  }

  /** Records written to disk by this process (for logs and tests). */
  get writtenCount(): number {
    return this.written;
  }

  /** Once per filling (not on every record past the mark: each call would chain one more flush behind a slow write). */
  private filled(added: number): void {
    const before = this.encoder.records - added;
    if (before < this.maxBuffered && this.encoder.records >= this.maxBuffered) void this.flush().catch(() => undefined);
  }

  private writerThread(): Worker {
    if (this.thread) return this.thread;
    const data: WriterThreadData = { dir: this.dir, writer: this.writerId };
    const thread = startWorkerThread(join(__dirname, `prediction-log-thread${extname(__filename)}`), data);
    thread.unref(); // a forgotten log must not keep the process alive; close() writes what is left
    thread.on('message', (reply: WriteReply) => {
      this.replies.get(reply.id)?.resolve(reply);
      this.replies.delete(reply.id);
    });
    const fail = (err: Error) => {
      if (this.thread === thread) this.thread = null;
      for (const waiting of this.replies.values()) waiting.reject(err);
      this.replies.clear();
    };
    thread.on('error', (err) => {
      this.options.logger?.error({ err }, 'prediction log writer thread failed; a new one takes the next chunks');
      fail(err);
    });
    thread.on('exit', (code) => fail(new Error(`prediction log writer thread exited (code ${code})`)));
    this.thread = thread;
    return thread;
  }

  private backlogBytes(): number {
    return this.encoder.bytes + this.unanswered;
  }

  private async send(chunk: Buffer | null): Promise<WriteReply> {
    const thread = this.writerThread();
    const request: WriteRequest = { id: this.nextId++, chunk };
    const bytes = chunk?.length ?? 0;
    this.unanswered += bytes;
    try {
      return await new Promise<WriteReply>((resolvePromise, reject) => {
        this.replies.set(request.id, { resolve: resolvePromise, reject });
        // The chunk's memory moves to the writer thread (no copy); the encoder already writes into a new one.
        thread.postMessage(request, chunk ? [chunk.buffer as ArrayBuffer] : []);
      });
    } finally {
      this.unanswered -= bytes;
      if (this.backlogBytes() < this.maxBacklogBytes / 2) this.releaseWaiters();
    }
  }

  private releaseWaiters(): void {
    const waiting = this.drainWaiters;
    this.drainWaiters = [];
    for (const resolveWaiter of waiting) resolveWaiter();
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
    const chunk = this.encoder.isEmpty ? null : this.encoder.take();
    if (chunk || this.thread) {
      const reply = await this.send(chunk);
      this.written += reply.written;
      if (this.options.upload) for (const path of reply.files) this.unpublished.set(path, `predictions/${relative(resolve(this.dir), path)}`);
      if (reply.error) {
        this.options.logger?.error({ err: reply.error, buffered: reply.buffered }, 'prediction log write failed; records kept for the next flush');
        throw new Error(reply.error);
      }
    }
    try {
      await this.publish();
    } catch (err) {
      this.options.logger?.error({ err, files: this.unpublished.size }, 'prediction log upload failed; tried again at the next flush');
      throw err;
    }
  }
}
