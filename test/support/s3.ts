import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { CreateBucketCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';

/** Port of the tests' S3-compatible server (moto): `npm test` starts it; a bare `npx jest` starts it here. */
const port = (): string => {
  const temporalPort = Number((process.env['MLOPS_TEST_TEMPORAL_ADDRESS'] ?? '127.0.0.1:7288').split(':')[1] ?? 7288);
  return process.env['MLOPS_TEST_S3_PORT'] ?? String(temporalPort + 102);
};

/** Starts (or reuses) the moto server through the project script; returns its endpoint URL. */
export function s3Endpoint(): string {
  const script = resolve(__dirname, '../../scripts/s3-server.sh');
  return execFileSync(script, ['start'], { env: { ...process.env, MLOPS_S3_PORT: port() }, stdio: ['ignore', 'pipe', 'inherit'] })
    .toString()
    .trim();
}

/** moto accepts any credentials; the SDK needs some. */
export const testCredentials = { accessKeyId: 'test', secretAccessKey: 'test' } as const;

export function s3Client(endpoint: string): S3Client {
  return new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials: testCredentials });
}

/** A new bucket with a unique name (tests share the server). */
export async function createBucket(endpoint: string, name: string): Promise<string> {
  const bucket = `${name}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
  const client = s3Client(endpoint);
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  client.destroy();
  return bucket;
}

/** Every key in the bucket (under `prefix`). */
export async function listKeys(endpoint: string, bucket: string, prefix = ''): Promise<string[]> {
  const client = s3Client(endpoint);
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
    keys.push(...(page.Contents ?? []).flatMap((o) => (o.Key ? [o.Key] : [])));
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  client.destroy();
  return keys.sort();
}

/** The environment that points a stack's processes at `s3://<bucket>/<prefix>` on the test server. */
export const s3Env = (endpoint: string, bucket: string, prefix: string): Record<string, string> => ({
  MLOPS_BLOB_URL: `s3://${bucket}/${prefix}`,
  MLOPS_S3_ENDPOINT: endpoint,
  AWS_ACCESS_KEY_ID: testCredentials.accessKeyId,
  AWS_SECRET_ACCESS_KEY: testCredentials.secretAccessKey,
  AWS_REGION: 'us-east-1',
});
