import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The built-in trainer's environment fingerprint, recorded with each version like the Python worker's:
 * Node version and platform, and the sha256 of the package-lock.json the worker runs from.
 */
export interface EnvironmentFingerprint {
  readonly runtime: string;
  readonly platform: string;
  readonly lockfileSha256: string | null;
}

let cached: EnvironmentFingerprint | undefined;

function findUp(name: string, from: string): string | null {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, name))) return join(dir, name);
    if (dirname(dir) === dir) return null;
  }
}

export function builtinEnvironment(): EnvironmentFingerprint {
  if (!cached) {
    const lockfile = findUp('package-lock.json', __dirname);
    cached = {
      runtime: `node ${process.version}`,
      platform: `${process.platform}-${process.arch}`,
      lockfileSha256: lockfile ? createHash('sha256').update(readFileSync(lockfile)).digest('hex') : null,
    };
  }
  return cached;
}
