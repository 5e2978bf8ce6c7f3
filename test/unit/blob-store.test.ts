import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import {
  BlobIntegrityError,
  BlobNotFoundError,
  BlobStoreUnavailableError,
  DatasetPaths,
  LocalBlobStore,
  PathNotAllowedError,
  S3BlobStore,
} from '../../src/adapters';
import { fileUri, normalizeBlobUri, parseBlobUri, siblingUri, type BlobStore } from '../../src/domain';
import { tempDir } from '../support/paths';
import { createBucket, s3Endpoint, testCredentials } from '../support/s3';

const sha256Hello = '2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824';

describe('blob URIs', () => {
  test('file and s3 URIs round-trip; a bare absolute path reads as file://', () => {
    expect(parseBlobUri('/data/snapshots/a b.parquet')).toEqual({ scheme: 'file', path: '/data/snapshots/a b.parquet' });
    expect(normalizeBlobUri('/data/snapshots/a b.parquet')).toBe('file:///data/snapshots/a%20b.parquet');
    expect(parseBlobUri('file:///data/snapshots/a%20b.parquet')).toEqual({ scheme: 'file', path: '/data/snapshots/a b.parquet' });
    expect(parseBlobUri('s3://my-bucket/mlops/artifacts/m/x.json')).toEqual({ scheme: 's3', bucket: 'my-bucket', key: 'mlops/artifacts/m/x.json' });
    expect(normalizeBlobUri('s3://my-bucket/mlops/a%2Bb.json')).toBe('s3://my-bucket/mlops/a%2Bb.json');
    expect(siblingUri('s3://my-bucket/artifacts/m/abc.json', 'abc.onnx')).toBe('s3://my-bucket/artifacts/m/abc.onnx');
    expect(siblingUri('/data/artifacts/m/abc.json', 'abc.onnx')).toBe('file:///data/artifacts/m/abc.onnx');
  });

  test('relative paths, other schemes, hosts and bad bucket names are refused', () => {
    expect(() => parseBlobUri('data/x.parquet')).toThrow(/expected file:\/\/\/absolute\/path or s3:\/\/bucket\/key/);
    expect(() => parseBlobUri('https://example.com/x')).toThrow(/expected/);
    expect(() => parseBlobUri('file://host/x')).toThrow(/absolute path/);
    expect(() => parseBlobUri('s3://Bad_Bucket/x')).toThrow(/not a valid bucket name/);
  });
});

/** The contract every blob store keeps; run against the local directory and against a real S3 server (moto). */
function blobStoreContract(name: string, open: () => Promise<BlobStore>) {
  describe(`${name} blob store`, () => {
    let store: BlobStore;
    beforeAll(async () => {
      store = await open();
    });

    test('put bytes and files; head has size and sha256; localFile gives the bytes', async () => {
      const put = await store.putBytes('artifacts/m/hello.json', 'hello');
      expect(put).toMatchObject({ uri: store.uriOf('artifacts/m/hello.json'), key: 'artifacts/m/hello.json', size: 5, sha256: sha256Hello });
      expect(await store.head(put.uri)).toMatchObject({ size: 5, sha256: sha256Hello });
      expect(readFileSync(await store.localFile(put.uri, sha256Hello), 'utf8')).toBe('hello');
      expect((await store.readBytes(put.uri, sha256Hello)).toString()).toBe('hello');

      const source = join(tempDir('blob-source'), 'rows.csv');
      writeFileSync(source, 'a,b\n1,2\n');
      const file = await store.putFile('snapshots/rows.csv', source);
      expect(file.size).toBe(8);
      const local = await store.localFile(file.uri);
      expect(local.endsWith('.csv')).toBe(true); // readers pick the format by extension
      expect(readFileSync(local, 'utf8')).toBe('a,b\n1,2\n');

      const streamed = await store.putStream('retrain/m/r.ndjson', Readable.from([Buffer.from('{"a":1}\n'), Buffer.from('{"a":2}\n')]));
      expect(streamed).toMatchObject({ key: 'retrain/m/r.ndjson', size: 16 });
      expect(readFileSync(await store.localFile(streamed.uri, streamed.sha256), 'utf8')).toBe('{"a":1}\n{"a":2}\n');
    });

    test('a hash other than the recorded one is an integrity error', async () => {
      const put = await store.putBytes('artifacts/m/other.json', 'other bytes');
      // (A hash whose bytes are already in the S3 cache is served from it: content addressing, verified at download.)
      await expect(store.localFile(put.uri, 'f'.repeat(64))).rejects.toBeInstanceOf(BlobIntegrityError);
      await expect(store.readBytes(put.uri, 'e'.repeat(64))).rejects.toBeInstanceOf(BlobIntegrityError);
    });

    test('list by prefix (sorted, other prefixes left out)', async () => {
      await store.putBytes('predictions/b/2026-01-01T01.w.ndjson', '{}\n');
      await store.putBytes('predictions/a/2026-01-01T00.w.ndjson', '{}\n');
      await store.putBytes('labels/x.parquet', 'x');
      expect((await store.list('predictions/')).map((h) => h.key)).toEqual(['predictions/a/2026-01-01T00.w.ndjson', 'predictions/b/2026-01-01T01.w.ndjson']);
      expect((await store.list('predictions/a/')).map((h) => h.uri)).toEqual([store.uriOf('predictions/a/2026-01-01T00.w.ndjson')]);
      expect(await store.list('nothing-here/')).toEqual([]);
    });

    test('delete; a missing blob is null for head and BlobNotFoundError for localFile', async () => {
      const put = await store.putBytes('artifacts/m/checkpoints/run.json', '{}');
      await store.delete(put.uri);
      await store.delete(put.uri); // twice is fine
      expect(await store.head(put.uri)).toBeNull();
      await expect(store.localFile(put.uri)).rejects.toBeInstanceOf(BlobNotFoundError);
    });

    test('a bare absolute path (histories from before URIs) reads as file://', async () => {
      const dir = tempDir('blob-legacy');
      writeFileSync(join(dir, 'old.json'), 'hello');
      expect(await store.localFile(join(dir, 'old.json'), sha256Hello)).toBe(join(dir, 'old.json'));
      expect(await store.localFile(fileUri(join(dir, 'old.json')))).toBe(join(dir, 'old.json'));
      expect(await store.head(join(dir, 'old.json'))).toMatchObject({ size: 5, sha256: sha256Hello });
    });
  });
}

blobStoreContract('local', async () => new LocalBlobStore(tempDir('blob-local')));
blobStoreContract('S3 (moto)', async () => {
  const endpoint = s3Endpoint();
  const bucket = await createBucket(endpoint, 'contract');
  const store = new S3BlobStore({
    bucket,
    prefix: 'team/mlops',
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: testCredentials,
    cacheDir: tempDir('blob-cache'),
  });
  await store.check();
  expect(store.uriOf('snapshots/x.parquet')).toBe(`s3://${bucket}/team/mlops/snapshots/x.parquet`);
  return store;
});

describe('S3 blob store at start', () => {
  const settings = { prefix: '', region: 'us-east-1', forcePathStyle: true, credentials: testCredentials, cacheDir: tempDir('blob-cache') };

  test('an unreachable endpoint is refused naming the settings', async () => {
    const store = new S3BlobStore({ ...settings, bucket: 'any-bucket', endpoint: 'http://127.0.0.1:9' });
    const err = await store.check().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BlobStoreUnavailableError);
    expect(String((err as Error).message)).toMatch(/s3:\/\/any-bucket.*MLOPS_BLOB_URL.*http:\/\/127\.0\.0\.1:9 \(MLOPS_S3_ENDPOINT\) is not usable/);
    store.close();
  });

  test('later, an unreachable endpoint is a plain error (activities retry it), not a missing blob', async () => {
    const store = new S3BlobStore({ ...settings, bucket: 'any-bucket', endpoint: 'http://127.0.0.1:9' });
    const err = await store.localFile('s3://any-bucket/snapshots/x.parquet').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(err).not.toBeInstanceOf(BlobNotFoundError);
    expect(err).not.toBeInstanceOf(BlobIntegrityError);
    store.close();
  });

  test('a missing bucket is refused naming it', async () => {
    const store = new S3BlobStore({ ...settings, bucket: 'no-such-bucket-here', endpoint: s3Endpoint() });
    await expect(store.check()).rejects.toThrow(/bucket "no-such-bucket-here" does not exist/);
    store.close();
  });
});

describe('dataset roots for URIs', () => {
  const local = tempDir('roots');
  mkdirSync(join(local, 'data'));
  writeFileSync(join(local, 'data', 'a.csv'), 'x\n1\n');
  const paths = new DatasetPaths([local, 's3://datasets-bucket/team/data']);
  const notFound = (p: string) => new Error(`missing ${p}`);

  test('s3 URIs under an s3 root are allowed; file:// URIs are confined like paths', async () => {
    expect(paths.roots).toEqual([local]);
    await expect(paths.confineSource('s3://datasets-bucket/team/data/2026/w.parquet', 'dataset.path', notFound)).resolves.toEqual({
      kind: 's3',
      uri: 's3://datasets-bucket/team/data/2026/w.parquet',
    });
    await expect(paths.confineSource(fileUri(join(local, 'data', 'a.csv')), 'dataset.path', notFound)).resolves.toEqual({
      kind: 'file',
      path: join(local, 'data', 'a.csv'),
    });
  });

  test.each([
    ['another bucket', 's3://other-bucket/team/data/w.parquet'],
    ['a sibling prefix', 's3://datasets-bucket/team/database/w.parquet'],
    ['a parent hop', 's3://datasets-bucket/team/data/../secrets/w.parquet'],
    ['a hidden folder', 's3://datasets-bucket/team/data/.env/w.parquet'],
    ['a file:// URI outside', 'file:///etc/passwd'],
  ])('%s is refused', async (_what, uri) => {
    await expect(paths.confineSource(uri, 'dataset.path', notFound)).rejects.toBeInstanceOf(PathNotAllowedError);
  });
});
