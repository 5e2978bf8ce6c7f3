import { createPublicKey } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { approversFileSchema, describeZodError, identityOf, type ApproverDirectory, type DirectoryEntry } from '../domain';

export class ApproverDirectoryError extends Error {
  override name = 'ApproverDirectoryError';
}

const isMissing = (err: unknown): boolean => (err as NodeJS.ErrnoException).code === 'ENOENT';

/** Raw 32-byte Ed25519 public key (base64) from a PEM (SPKI) file, as `openssl pkey -pubout` writes it. */
export function rawEd25519PublicKey(pem: string, source: string): string {
  let key;
  try {
    key = createPublicKey(pem);
  } catch (err) {
    throw new ApproverDirectoryError(`${source}: not a PEM public key (${(err as Error).message})`);
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new ApproverDirectoryError(`${source}: an ${key.asymmetricKeyType} key; approver keys must be Ed25519`);
  const x = key.export({ format: 'jwk' }).x;
  if (!x) throw new ApproverDirectoryError(`${source}: key has no public part`);
  return Buffer.from(x, 'base64url').toString('base64');
}

/**
 * Reads the approver directory from disk on every call (edits apply to the next gate, no restart): people
 * and roles from the approvers file, public keys from `<keysDir>/<name>.pub`. A missing file or folder is
 * an empty one; a malformed one is an error, never silently skipped.
 */
export class ApproverDirectoryFiles {
  constructor(readonly approversFile: string, readonly keysDir: string) {}

  async load(): Promise<ApproverDirectory> {
    const people: Record<string, { roles: string[]; publicKey?: string }> = {};
    const text = await readFile(this.approversFile, 'utf8').catch((err: unknown) => {
      if (isMissing(err)) return undefined;
      throw err;
    });
    if (text !== undefined) {
      let raw: unknown;
      try {
        raw = JSON.parse(text);
      } catch (err) {
        throw new ApproverDirectoryError(`${this.approversFile}: not JSON (${(err as Error).message})`);
      }
      const parsed = approversFileSchema.safeParse(raw);
      if (!parsed.success) throw new ApproverDirectoryError(`${this.approversFile}: ${describeZodError(parsed.error).join('; ')}`);
      for (const [name, entry] of Object.entries(parsed.data.approvers)) people[identityOf(name)] = { roles: [...entry.roles] };
    }
    const files = await readdir(this.keysDir).catch((err: unknown) => {
      if (isMissing(err)) return [] as string[];
      throw err;
    });
    for (const file of files.filter((f) => f.endsWith('.pub')).sort()) {
      const path = join(this.keysDir, file);
      const id = identityOf(basename(file, '.pub'));
      people[id] = { roles: people[id]?.roles ?? [], publicKey: rawEd25519PublicKey(await readFile(path, 'utf8'), path) };
    }
    return { people: people as Record<string, DirectoryEntry> };
  }
}
