import type { BlobConfig, BlobStore } from '../domain';
import { LocalBlobStore } from './local-blob-store';
import { S3BlobStore } from './s3-blob-store';

/**
 * The blob store the config names: the local data dir (default), or an S3-compatible bucket checked to answer
 * now, so a wrong endpoint or a missing bucket stops the process at start with the setting named.
 * @param cacheName a process's own folder in the download cache (the model server keeps its own).
 * @throws BlobStoreUnavailableError when the bucket does not answer.
 */
export async function openBlobStore(blob: BlobConfig, cacheName?: string): Promise<BlobStore & { close(): void }> {
  if (blob.kind === 'local') return Object.assign(new LocalBlobStore(blob.root), { close: () => undefined });
  const store = new S3BlobStore({ ...blob, cacheDir: cacheName ? `${blob.cacheDir}/${cacheName}` : blob.cacheDir });
  await store.check();
  return store;
}
