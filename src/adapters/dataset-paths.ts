import { realpath } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';

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
export class DatasetPaths {
  private realRoots: Promise<string[]> | undefined;

  constructor(readonly roots: readonly string[]) {}

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
