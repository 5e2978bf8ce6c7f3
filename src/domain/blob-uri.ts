/**
 * Blob URIs: how payloads and registry rows name stored bytes (snapshots, artifacts, checkpoints, the
 * prediction log, labels, retrain data) — `file:///abs/path` for the local store, `s3://bucket/key` for
 * S3-compatible storage. Pure string handling (no node:path), so workflows may use it.
 *
 * Histories and registry rows written before URIs carry bare absolute paths: `parseBlobUri` reads those as
 * `file://` so old runs replay and old versions still load.
 */
export type BlobUri =
  | { readonly scheme: 'file'; readonly path: string }
  | { readonly scheme: 's3'; readonly bucket: string; readonly key: string };

export class BlobUriError extends Error {
  override name = 'BlobUriError';
}

/** Percent-encodes each path segment (spaces, `%`, `#`, `?`), keeping the slashes. */
const encodePath = (path: string): string => path.split('/').map(encodeURIComponent).join('/');
const decodePath = (path: string): string => path.split('/').map(decodeURIComponent).join('/');

/** A bucket name as S3 allows it (3–63 lower-case letters, digits, dots, hyphens). */
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/**
 * Reads a URI, or a bare absolute path (taken as `file://`).
 * @throws BlobUriError for relative paths, other schemes, a `file://` URI with a host, or a bad bucket name.
 */
export function parseBlobUri(uri: string): BlobUri {
  if (uri.startsWith('/')) return { scheme: 'file', path: uri };
  if (uri.startsWith('file://')) {
    const rest = uri.slice('file://'.length);
    if (!rest.startsWith('/')) throw new BlobUriError(`${uri}: a file URI needs an absolute path (file:///…)`);
    return { scheme: 'file', path: decodePath(rest) };
  }
  if (uri.startsWith('s3://')) {
    const rest = uri.slice('s3://'.length);
    const slash = rest.indexOf('/');
    const bucket = slash < 0 ? rest : rest.slice(0, slash);
    if (!BUCKET.test(bucket)) throw new BlobUriError(`${uri}: "${bucket}" is not a valid bucket name`);
    return { scheme: 's3', bucket, key: slash < 0 ? '' : decodePath(rest.slice(slash + 1)) };
  }
  throw new BlobUriError(`${uri}: expected file:///absolute/path or s3://bucket/key`);
}

export function formatBlobUri(uri: BlobUri): string {
  return uri.scheme === 'file' ? `file://${encodePath(uri.path)}` : `s3://${uri.bucket}/${encodePath(uri.key)}`;
}

/** `file://` URI of an absolute path. */
export const fileUri = (absolutePath: string): string => formatBlobUri({ scheme: 'file', path: absolutePath });

/** True for strings that name a blob by URI (`file://`, `s3://`) rather than by a bare path. */
export const isBlobUri = (value: string): boolean => /^(file|s3):\/\//.test(value);

/** The canonical URI of a URI or bare absolute path (old rows and histories normalize to `file://`). */
export const normalizeBlobUri = (uriOrPath: string): string => formatBlobUri(parseBlobUri(uriOrPath));

/** The URI of `name` in the same folder as `uri` (an ONNX file beside its envelope). */
export function siblingUri(uri: string, name: string): string {
  const parsed = parseBlobUri(uri);
  if (parsed.scheme === 'file') {
    return formatBlobUri({ ...parsed, path: `${parsed.path.slice(0, parsed.path.lastIndexOf('/'))}/${name}` });
  }
  const at = parsed.key.lastIndexOf('/');
  return formatBlobUri({ ...parsed, key: at < 0 ? name : `${parsed.key.slice(0, at)}/${name}` });
}

/** The last segment of a URI's path or key. */
export function blobName(uri: string): string {
  const parsed = parseBlobUri(uri);
  const path = parsed.scheme === 'file' ? parsed.path : parsed.key;
  return path.slice(path.lastIndexOf('/') + 1);
}
