import { generateKeyPairSync } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { identityOf } from '../../domain';
import { parseCommandArgs, UsageError } from '../args';
import type { Command } from '../command';

export const keysCommand: Command = {
  name: 'keys',
  summary: "create an approver's Ed25519 key pair: public key into the keys directory, private key to a file of yours",
  usage: 'mlops keys generate <name> [--private-key <path, default ./<name>.ed25519.pem>] [--json]',
  async run(argv, ctx) {
    const { values, positionals } = parseCommandArgs(argv, { 'private-key': { type: 'string' } }, ['action', 'name']);
    const [action, name] = positionals as [string, string];
    if (action !== 'generate') throw new UsageError(`unknown action "${action}" (only: generate)`);
    if (!/^[A-Za-z0-9._-]{1,100}$/.test(name)) throw new UsageError('name: letters, digits, dot, dash, underscore');
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    const publicPath = resolve(join(ctx.config.governance.keysDir, `${identityOf(name)}.pub`));
    const privatePath = resolve((values['private-key'] as string | undefined) ?? `${name}.ed25519.pem`);
    await mkdir(ctx.config.governance.keysDir, { recursive: true });
    // 'wx': never overwrite a key someone relies on.
    await writeFile(privatePath, privateKey.export({ type: 'pkcs8', format: 'pem' }), { flag: 'wx', mode: 0o600 }).catch((err: NodeJS.ErrnoException) => {
      throw err.code === 'EEXIST' ? new UsageError(`${privatePath} exists; choose another --private-key`) : err;
    });
    await writeFile(publicPath, publicKey.export({ type: 'spki', format: 'pem' }), { flag: 'wx' }).catch((err: NodeJS.ErrnoException) => {
      throw err.code === 'EEXIST' ? new UsageError(`${publicPath} exists: ${name} already has a registered key (remove it to rotate)`) : err;
    });
    if (values['json']) ctx.json({ name, publicKey: publicPath, privateKey: privatePath });
    else ctx.out(`public key  ${publicPath}  (read by workers when a gate opens)\nprivate key ${privatePath}  (keep it secret; sign with: mlops approve <workflow> --as ${name} --key ${privatePath})`);
    return 0;
  },
};
