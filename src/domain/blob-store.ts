/**
 * The blob store port: where snapshots, model artifacts, checkpoints, the prediction log, labels and retrain
 * data live. Chosen by config (`MLOPS_BLOB_URL`): a local directory (default) or S3-compatible storage.
 * Keys are relative (`snapshots/<id>.parquet`); what leaves the store — payloads, registry rows — is the
 * blob's URI (`file:///…`, `s3://bucket/key`, see `blob-uri.ts`). Readers that need a file (DuckDB,
 * onnxruntime) ask for a local copy: the file itself for `file://`, a verified cached download for `s3://`.
 */
export interface BlobHead {
  readonly uri: string;
  /** The key relative to the store's root (for `list`), or the URI's path when outside it. */
  readonly key: string;
  readonly size: number;
  /** Content hash when the store knows it (always after our own puts). */
  readonly sha256?: string;
}

export interface BlobStore {
  /** `file:///data` or `s3://bucket/prefix`: the root every key is under (for messages and confinement). */
  readonly rootUri: string;
  /** Local folders this store's `localFile` answers from besides the data dir (DuckDB must be allowed there). */
  readonly localDirs: readonly string[];
  /** The URI a key has in this store. */
  uriOf(key: string): string;
  /** Stores a local file under `key` (atomic for readers); returns its head with sha256. */
  putFile(key: string, localPath: string): Promise<BlobHead>;
  /** Stores bytes under `key`. */
  putBytes(key: string, body: Uint8Array | string): Promise<BlobHead>;
  /** Stores what a stream yields under `key` (spooled to a local file first where the store needs a length). */
  putStream(key: string, body: AsyncIterable<Uint8Array>): Promise<BlobHead>;
  /**
   * A local file holding the blob's bytes: for `file://` the file itself, for `s3://` a copy in the
   * content-addressed cache, checked against `expectedSha256` (or the sha256 recorded at put) when given.
   * @throws BlobNotFoundError when the blob does not exist; BlobIntegrityError when its hash differs.
   */
  localFile(uri: string, expectedSha256?: string): Promise<string>;
  /**
   * A blob's bytes, read once and checked against `expectedSha256` when given (small blobs: artifacts).
   * @throws BlobNotFoundError, BlobIntegrityError as `localFile`.
   */
  readBytes(uri: string, expectedSha256?: string): Promise<Buffer>;
  /** Size (and sha256 when known) of a blob, or null when it does not exist. */
  head(uri: string): Promise<BlobHead | null>;
  /** The blobs whose key starts with `keyPrefix`, sorted by key. */
  list(keyPrefix: string): Promise<BlobHead[]>;
  /** Removes a blob; a missing one is not an error. */
  delete(uri: string): Promise<void>;
}
