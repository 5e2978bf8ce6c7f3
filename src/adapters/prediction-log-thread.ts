import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { PredictionLogFiles } from './prediction-log-files';

/** A message to the writer thread: a chunk of recorded predictions to write now (none: just retry). */
export interface WriteRequest {
  readonly id: number;
  readonly chunk: Uint8Array | null;
}

/** Its answer, once the chunk's lines and everything still pending were written (or the first write failed). */
export interface WriteReply {
  readonly id: number;
  readonly files: string[];
  /** Lines this request wrote (its chunk's and earlier ones a failed write had kept). */
  readonly written: number;
  readonly buffered: number;
  readonly error: string | null;
}

export interface WriterThreadData {
  readonly dir: string;
  readonly writer: string;
}

/**
 * Entry point of the prediction log's writer thread (started by FilePredictionLog): decodes the chunks the
 * request thread encoded into JSON lines and appends them to the files — the formatting and the disk work stay
 * off the thread that answers requests. Requests are handled one at a time, in order.
 */
function serve(port: NonNullable<typeof parentPort>, data: WriterThreadData): void {
  const files = new PredictionLogFiles(data.dir, data.writer);
  let chain = Promise.resolve();
  port.on('message', (request: WriteRequest) => {
    chain = chain.then(async () => {
      let error: string | null = null;
      let written: string[] = [];
      const before = files.written;
      try {
        if (request.chunk) files.addChunk(request.chunk);
        const outcome = await files.writePending();
        written = outcome.files;
        error = outcome.error ? outcome.error.message : null;
      } catch (err) {
        error = `prediction log chunk could not be decoded: ${(err as Error).message}`;
      }
      const reply: WriteReply = { id: request.id, files: written, written: files.written - before, buffered: files.buffered, error };
      port.postMessage(reply);
    });
  });
}

/**
 * The log is background work: when the cores are busy the threads answering requests come first. On Linux a
 * nice value belongs to the thread that sets it (NPTL), so this lowers the writer thread only; elsewhere it may
 * lower the whole process or be refused, and the thread keeps the default.
 */
const WRITER_NICE = 10;

if (parentPort) {
  if (process.platform === 'linux') {
    try {
      setPriority(WRITER_NICE);
    } catch {
      // not permitted here: the default priority is correct, only less polite under load
    }
  }
  serve(parentPort, workerData as WriterThreadData);
}
