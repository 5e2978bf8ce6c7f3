import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { copyFile, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileUri, parseBlobUri, type BlobHead, type BlobStore } from '../domain';
import { BlobIntegrityError, BlobNotFoundError } from './blob-errors';

export async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export const sha256OfBytes = (body: Uint8Array | string): string => createHash('sha256').update(body).digest('hex');

/** Writes next to the target and renames: readers never see a half-written file under its final name. */
async function atomicWrite(path: string, write: (tmp: string) => Promise<void>): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
  try {
    await write(tmp);
    await rename(tmp, path);
  } finally {
    await rm(tmp, { force: true });
  }
}

/**
 * The local path a `file://` URI (or a bare absolute path from an old history or row) names, checked to
 * exist and, when a hash is expected, to hold those bytes. Every store serves `file://` this way.
 */
export async function localFileOf(uri: string, expectedSha256?: string): Promise<string> {
  const parsed = parseBlobUri(uri);
  if (parsed.scheme !== 'file') {
    throw new BlobNotFoundError(`${uri}: this process uses a local blob store (set MLOPS_BLOB_URL=s3://… to read S3)`);
  }
  const info = await stat(parsed.path).catch(() => null);
  // Not `isFile()`: a FIFO or device standing for slow storage is read like a file.
  if (!info || info.isDirectory()) throw new BlobNotFoundError(`blob not found: ${uri}`);
  if (expectedSha256) {
    const actual = await sha256OfFile(parsed.path);
    if (actual !== expectedSha256) throw new BlobIntegrityError(uri, actual, expectedSha256);
  }
  return parsed.path;
}

/** A local blob's bytes, read once (a FIFO can be read only once) and checked against the expected hash. */
export async function readLocalBytes(uri: string, expectedSha256?: string): Promise<Buffer> {
  const bytes = await readFile(await localFileOf(uri));
  const actual = sha256OfBytes(bytes);
  if (expectedSha256 && actual !== expectedSha256) throw new BlobIntegrityError(uri, actual, expectedSha256);
  return bytes;
}

/**
 * Blob store on a local directory (the default: the data dir), laid out exactly as the files were before the
 * port existed: `<root>/snapshots/<id>.parquet`, `<root>/artifacts/<model>/<sha256>.json`, …, so a quick
 * start and existing data dirs keep working. URIs are `file:///<root>/<key>`.
 */
export class LocalBlobStore implements BlobStore {
  readonly root: string;
  readonly rootUri: string;
  readonly localDirs: readonly string[] = [];

  constructor(root: string) {
    this.root = resolve(root);
    this.rootUri = fileUri(this.root);
  }

  private pathOf(key: string): string {
    const path = resolve(this.root, key);
    const rel = relative(this.root, path);
    if (rel === '' || rel.startsWith('..')) throw new Error(`blob key ${key} leaves the store's root`);
    return path;
  }

  uriOf(key: string): string {
    return fileUri(this.pathOf(key));
  }

  private headOf(path: string, size: number, sha256: string): BlobHead {
    return { uri: fileUri(path), key: relative(this.root, path).split(sep).join('/'), size, sha256 };
  }

  async putFile(key: string, localPath: string): Promise<BlobHead> {
    const path = this.pathOf(key);
    // Producers that already wrote in place (DuckDB's COPY into the data dir) need no copy.
    if (resolve(localPath) !== path) await atomicWrite(path, (tmp) => copyFile(localPath, tmp));
    const info = await stat(path);
    return this.headOf(path, info.size, await sha256OfFile(path));
  }

  async putBytes(key: string, body: Uint8Array | string): Promise<BlobHead> {
    const path = this.pathOf(key);
    await atomicWrite(path, (tmp) => writeFile(tmp, body));
    return this.headOf(path, Buffer.byteLength(body), sha256OfBytes(body));
  }

  async putStream(key: string, body: AsyncIterable<Uint8Array>): Promise<BlobHead> {
    const path = this.pathOf(key);
    await atomicWrite(path, (tmp) => pipeline(Readable.from(body), createWriteStream(tmp)));
    return this.headOf(path, (await stat(path)).size, await sha256OfFile(path));
  }

  localFile(uri: string, expectedSha256?: string): Promise<string> {
    return localFileOf(uri, expectedSha256);
  }

  readBytes(uri: string, expectedSha256?: string): Promise<Buffer> {
    return readLocalBytes(uri, expectedSha256);
  }

  async head(uri: string): Promise<BlobHead | null> {
    const parsed = parseBlobUri(uri);
    if (parsed.scheme !== 'file') return null;
    const info = await stat(parsed.path).catch(() => null);
    return info?.isFile() ? this.headOf(parsed.path, info.size, await sha256OfFile(parsed.path)) : null;
  }

  async list(keyPrefix: string): Promise<BlobHead[]> {
    // The prefix's folder part is walked; the rest filters names (keys are folder-like: `predictions/<model>/`).
    const folder = keyPrefix.slice(0, keyPrefix.lastIndexOf('/') + 1);
    const found: BlobHead[] = [];
    const walk = async (dir: string): Promise<void> => {
      for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
        const path = join(dir, entry.name);
        const key = relative(this.root, path).split(sep).join('/');
        if (entry.isDirectory() && (keyPrefix.startsWith(`${key}/`) || key.startsWith(keyPrefix))) await walk(path);
        else if (entry.isFile() && key.startsWith(keyPrefix) && !entry.name.endsWith('.tmp')) {
          found.push({ uri: fileUri(path), key, size: (await stat(path)).size });
        }
      }
    };
    await walk(folder ? join(this.root, folder) : this.root);
    return found.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  async delete(uri: string): Promise<void> {
    const parsed = parseBlobUri(uri);
    if (parsed.scheme === 'file') await rm(parsed.path, { force: true });
  }
}
