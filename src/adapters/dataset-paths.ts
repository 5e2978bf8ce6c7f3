import { realpath } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { BlobUriError, formatBlobUri, isBlobUri, parseBlobUri } from '../domain';

const parseLocal = (uri: string): string => {
  const parsed = parseBlobUri(uri);
  return parsed.scheme === 'file' ? parsed.path : uri;
};

/** A path a user named (dataset, labels file, retrain base) that lies outside the dataset roots. */
export class PathNotAllowedError extends Error {
  override name = 'PathNotAllowedError';
}

/** `child` lies in `root` (or is it), and no part of it below the root is hidden (`.git`, `.env`, `.data`). */
function confinedIn(root: string, child: string): boolean {
  const rel = relative(root, child);
  if (rel === '') return true;
  if (rel.startsWith('..') || isAbsolute(rel)) return false;
  return !rel.split(sep).some((part) => part.startsWith('.'));
}

/**
 * Where users' data may be read from: the configured dataset roots (`MLOPS_DATASET_ROOTS`). A path is
 * accepted when it lies under a root both as written and after symlinks are resolved, with no hidden
 * file or folder below the root — so `..`, absolute system paths and symlinks out of a root are refused
 * before anything reads them. The lexical check comes first, so a refusal never tells whether a file exists.
 */
/** `key` lies under the root key `root` ('' = the bucket), with no `.`/`..` or hidden part below it. */
function keyConfinedIn(root: string, key: string): boolean {
  const base = root.replace(/\/+$/, '');
  if (base && key !== base && !key.startsWith(`${base}/`)) return false;
  return !key.slice(base.length).split('/').some((part) => part.startsWith('.'));
}

export class DatasetPaths {
  private realRoots: Promise<string[]> | undefined;
  /** Local folders (what DuckDB may be allowed to read). */
  readonly roots: readonly string[];
  /** `s3://bucket/prefix` roots. */
  readonly uriRoots: readonly string[];

  constructor(roots: readonly string[]) {
    this.roots = roots.filter((r) => !r.startsWith('s3://')).map((r) => (r.startsWith('file://') ? parseLocal(r) : r));
    this.uriRoots = roots.filter((r) => r.startsWith('s3://'));
  }

  /**
   * Confines a path or URI a user named: `s3://` URIs against the `s3://` roots (same bucket, key below the
   * root's prefix, no hidden or `..` part) — returned as the URI, to fetch through the blob store; `file://`
   * URIs and paths as by `confine`.
   * @throws PathNotAllowedError outside every root.
   */
  async confineSource(
    pathOrUri: string,
    what: string,
    notFound: (absolute: string) => Error,
  ): Promise<{ readonly kind: 'file'; readonly path: string } | { readonly kind: 's3'; readonly uri: string }> {
    if (!isBlobUri(pathOrUri)) return { kind: 'file', path: await this.confine(pathOrUri, what, notFound) };
    let parsed;
    try {
      parsed = parseBlobUri(pathOrUri);
    } catch (err) {
      throw err instanceof BlobUriError ? new PathNotAllowedError(`${what}: ${err.message}`) : err;
    }
    if (parsed.scheme === 'file') return { kind: 'file', path: await this.confine(parsed.path, what, notFound) };
    const uri = formatBlobUri(parsed);
    const allowed = this.uriRoots.some((root) => {
      const r = parseBlobUri(root);
      return r.scheme === 's3' && r.bucket === parsed.bucket && keyConfinedIn(r.key, parsed.key);
    });
    if (!allowed) {
      const roots = this.uriRoots.length ? this.uriRoots.join(', ') : 'none (add s3://bucket/prefix to MLOPS_DATASET_ROOTS)';
      const where = 'is outside the dataset roots or in a hidden folder';
      throw new PathNotAllowedError(`${what} ${uri} ${where}; allowed s3 roots: ${roots}`);
    }
    return { kind: 's3', uri };
  }

  /** Roots after symlinks (a root that does not exist yet is kept as written). */
  resolvedRoots(): Promise<string[]> {
    this.realRoots ??= Promise.all(this.roots.map(async (r) => realpath(resolve(r)).catch(() => resolve(r))));
    return this.realRoots;
  }

  /**
   * The real path of `path` when it is allowed.
   * @param what names the path in messages, e.g. "dataset.path" or "labels file".
   * @throws PathNotAllowedError when it lies outside every root; the caller's not-found error when it is missing.
   */
  async confine(path: string, what: string, notFound: (absolute: string) => Error): Promise<string> {
    const absolute = resolve(path);
    const lexicalRoots = this.roots.map((r) => resolve(r));
    const realRoots = await this.resolvedRoots();
    const refuse = (detail: string) =>
      new PathNotAllowedError(`${what} ${absolute} ${detail}; allowed roots: ${lexicalRoots.join(', ')} (MLOPS_DATASET_ROOTS)`);
    if (!lexicalRoots.some((r) => confinedIn(r, absolute)) && !realRoots.some((r) => confinedIn(r, absolute))) {
      throw refuse('is outside the dataset roots or in a hidden folder');
    }
    const real = await realpath(absolute).catch(() => null);
    if (real === null) throw notFound(absolute);
    if (!realRoots.some((r) => confinedIn(r, real))) throw refuse(`resolves (through a symlink) to ${real}, outside the dataset roots`);
    return real;
  }
}
