import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { formatBlobUri, parseBlobUri, type BlobConfig, type BlobHead, type BlobStore } from '../domain';
import { BlobIntegrityError, BlobNotFoundError, BlobStoreUnavailableError } from './blob-errors';
import { localFileOf, readLocalBytes, sha256OfBytes, sha256OfFile } from './local-blob-store';

/** The S3 settings of the config (`prefix`: '' for the bucket's root; `cacheDir`: where downloads are kept). */
export type S3BlobSettings = Omit<Extract<BlobConfig, { kind: 's3' }>, 'kind' | 'url'>;

/** Our own puts record the content hash here, so readers verify downloads without trusting the ETag. */
const SHA256_METADATA = 'sha256';

const notFound = (err: unknown): boolean => {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e.name === 'NoSuchKey' || e.name === 'NotFound' || e.$metadata?.httpStatusCode === 404;
};

/**
 * Blob store on an S3-compatible bucket. Keys live under `s3://<bucket>/<prefix>/`. Reads go through a local
 * content-addressed cache (`<cacheDir>/<sha256><ext>`): DuckDB reads that file, never the network (no httpfs).
 * Network errors are thrown as they are, so an activity's retry policy retries them; a missing object is a
 * `BlobNotFoundError`, a hash mismatch a `BlobIntegrityError`.
 */
export class S3BlobStore implements BlobStore {
  readonly rootUri: string;
  readonly localDirs: readonly string[];
  private readonly client: S3Client;
  private readonly cacheDir: string;

  constructor(private readonly settings: S3BlobSettings) {
    this.rootUri = formatBlobUri({ scheme: 's3', bucket: settings.bucket, key: settings.prefix });
    this.cacheDir = resolve(settings.cacheDir);
    this.localDirs = [this.cacheDir];
    const config: S3ClientConfig = {
      region: settings.region,
      forcePathStyle: settings.forcePathStyle,
      // S3-compatible servers differ in the optional checksums they accept: send and check them only when required.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      requestHandler: new NodeHttpHandler({ connectionTimeout: 3000, requestTimeout: 60_000 }),
      maxAttempts: 3,
      ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
      // A copy: the SDK marks the object it is given, and the config's is frozen.
      ...(settings.credentials ? { credentials: { ...settings.credentials } } : {}),
    };
    this.client = new S3Client(config);
  }

  private objectKey(key: string): string {
    return this.settings.prefix ? `${this.settings.prefix.replace(/\/$/, '')}/${key}` : key;
  }

  private keyOf(objectKey: string): string {
    const prefix = this.settings.prefix ? `${this.settings.prefix.replace(/\/$/, '')}/` : '';
    return objectKey.startsWith(prefix) ? objectKey.slice(prefix.length) : objectKey;
  }

  uriOf(key: string): string {
    return formatBlobUri({ scheme: 's3', bucket: this.settings.bucket, key: this.objectKey(key) });
  }

  /**
   * Checks the bucket answers (at process start).
   * @throws BlobStoreUnavailableError naming the settings to look at.
   */
  async check(): Promise<void> {
    const where = `${this.rootUri} (MLOPS_BLOB_URL) at ${this.settings.endpoint ?? 'AWS'} (MLOPS_S3_ENDPOINT)`;
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.settings.bucket }));
    } catch (err) {
      const reason = notFound(err)
        ? `bucket "${this.settings.bucket}" does not exist`
        : (err as Error).message || (err as Error).name;
      throw new BlobStoreUnavailableError(`blob store ${where} is not usable: ${reason}`);
    }
    await mkdir(this.cacheDir, { recursive: true });
  }

  private async put(key: string, body: () => Readable | Uint8Array | string, size: number, sha256: string) {
    const Key = this.objectKey(key);
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.settings.bucket,
        Key,
        Body: body(),
        ContentLength: size,
        Metadata: { [SHA256_METADATA]: sha256 },
      }),
    );
    return { uri: this.uriOf(key), key, size, sha256 } satisfies BlobHead;
  }

  async putFile(key: string, localPath: string): Promise<BlobHead> {
    const { size } = await stat(localPath);
    return this.put(key, () => createReadStream(localPath), size, await sha256OfFile(localPath));
  }

  async putBytes(key: string, body: Uint8Array | string): Promise<BlobHead> {
    return this.put(key, () => body, Buffer.byteLength(body), sha256OfBytes(body));
  }

  /** Spooled to a file in the cache folder first: a PutObject needs the length (and we want the hash). */
  async putStream(key: string, body: AsyncIterable<Uint8Array>): Promise<BlobHead> {
    await mkdir(this.cacheDir, { recursive: true });
    const spool = join(this.cacheDir, `upload-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}.tmp`);
    try {
      await pipeline(Readable.from(body), createWriteStream(spool));
      return await this.putFile(key, spool);
    } finally {
      await rm(spool, { force: true });
    }
  }

  async head(uri: string): Promise<BlobHead | null> {
    const parsed = parseBlobUri(uri);
    if (parsed.scheme === 'file') {
      const info = await stat(parsed.path).catch(() => null);
      if (!info?.isFile()) return null;
      return { uri, key: parsed.path, size: info.size, sha256: await sha256OfFile(parsed.path) };
    }
    try {
      const h = await this.client.send(new HeadObjectCommand({ Bucket: parsed.bucket, Key: parsed.key }));
      const sha256 = h.Metadata?.[SHA256_METADATA];
      return { uri, key: this.keyOf(parsed.key), size: h.ContentLength ?? 0, ...(sha256 ? { sha256 } : {}) };
    } catch (err) {
      if (notFound(err)) return null;
      throw err;
    }
  }

  async localFile(uri: string, expectedSha256?: string): Promise<string> {
    const parsed = parseBlobUri(uri);
    if (parsed.scheme === 'file') return localFileOf(uri, expectedSha256);
    const ext = extname(parsed.key);
    if (expectedSha256) {
      const cached = join(this.cacheDir, `${expectedSha256}${ext}`);
      if (await stat(cached).catch(() => null)) return cached;
    }
    const head = await this.client
      .send(new HeadObjectCommand({ Bucket: parsed.bucket, Key: parsed.key }))
      .catch((err: unknown) => {
        throw notFound(err) ? new BlobNotFoundError(`blob not found: ${uri}`) : err;
      });
    const want = expectedSha256 ?? head.Metadata?.[SHA256_METADATA];
    // Objects put by others (a user's dataset) carry no hash of ours: their copy is named by URI and ETag.
    const name = want ?? `etag-${createHash('sha256').update(`${uri}\n${head.ETag ?? ''}`).digest('hex')}`;
    const cached = join(this.cacheDir, `${name}${ext}`);
    if (await stat(cached).catch(() => null)) return cached;
    await mkdir(this.cacheDir, { recursive: true });
    const tmp = `${cached}.${process.pid}.${Date.now()}.tmp`;
    try {
      const got = await this.client.send(new GetObjectCommand({ Bucket: parsed.bucket, Key: parsed.key }));
      if (!got.Body) throw new BlobNotFoundError(`blob ${uri} has no body`);
      const hash = createHash('sha256');
      const source = got.Body as Readable;
      source.on('data', (chunk: Buffer) => hash.update(chunk));
      await pipeline(source, createWriteStream(tmp));
      const actual = hash.digest('hex');
      if (want && actual !== want) throw new BlobIntegrityError(uri, actual, want);
      await rename(tmp, cached);
      return cached;
    } catch (err) {
      if (notFound(err)) throw new BlobNotFoundError(`blob not found: ${uri}`);
      throw err;
    } finally {
      await rm(tmp, { force: true });
    }
  }

  /** Bytes of an `s3://` blob through the cache (verified when downloaded); `file://` read directly. */
  async readBytes(uri: string, expectedSha256?: string): Promise<Buffer> {
    if (parseBlobUri(uri).scheme === 'file') return readLocalBytes(uri, expectedSha256);
    return readFile(await this.localFile(uri, expectedSha256));
  }

  async list(keyPrefix: string): Promise<BlobHead[]> {
    const found: BlobHead[] = [];
    let ContinuationToken: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({
          Bucket: this.settings.bucket,
          Prefix: this.objectKey(keyPrefix),
          ContinuationToken,
        }),
      );
      for (const o of page.Contents ?? []) {
        if (!o.Key) continue;
        const key = this.keyOf(o.Key);
        found.push({ uri: this.uriOf(key), key, size: o.Size ?? 0 });
      }
      ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (ContinuationToken);
    return found.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  async delete(uri: string): Promise<void> {
    const parsed = parseBlobUri(uri);
    if (parsed.scheme === 'file') return localFileOf(uri).then((p) => rm(p, { force: true }), () => undefined);
    await this.client.send(new DeleteObjectCommand({ Bucket: parsed.bucket, Key: parsed.key }));
  }

  close(): void {
    this.client.destroy();
  }
}
