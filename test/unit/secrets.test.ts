import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createLogger } from '../../src/adapters';
import { assertProductionSecrets, ConfigError, parseConfig } from '../../src/domain';
import { repoRoot, tempDir } from '../support/paths';
import { newPayloadKey } from '../support/payload-keys';

const adminToken = 'admin-token-0123456789-secret';
const codecToken = 'codec-token-0123456789-secret';
const payloadKey = newPayloadKey('k1');

function capturingLogger() {
  let out = '';
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      out += chunk.toString();
      done();
    },
  });
  return { logger: createLogger({ log: { level: 'info', pretty: false } }, 'test', sink), output: () => out };
}

test('secrets never reach the log: a logged config, request headers and credentials are redacted', () => {
  const config = parseConfig({ MLOPS_ADMIN_TOKEN: adminToken, MLOPS_CODEC_TOKEN: codecToken, MLOPS_PAYLOAD_KEYS: payloadKey });
  const { logger, output } = capturingLogger();
  logger.info({ config }, 'starting');
  logger.child({ component: 'x' }).info({ req: { headers: { authorization: `Bearer ${adminToken}` } } }, 'request');
  logger.info({ s3: { secretAccessKey: 'aws-secret-value' }, registry: { password: 'pg-password-value' } }, 'stores');
  logger.info({ approverKeys: { privateKey: 'ed25519-private-pem' } }, 'keys');
  const logged = output();
  expect(logged).toContain('[redacted]');
  expect(logged).toContain('"taskQueue":"mlops"'); // the rest of the config is still there
  for (const secret of [adminToken, codecToken, payloadKey.split(':')[1]!, 'aws-secret-value', 'pg-password-value', 'ed25519-private-pem']) {
    expect(logged).not.toContain(secret);
  }
});

test('config errors name the setting but never echo a secret value or a URL password', () => {
  const messageOf = (env: Record<string, string>) => {
    try {
      parseConfig(env);
      return '';
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      return (err as Error).message;
    }
  };
  const admin = messageOf({ MLOPS_ADMIN_TOKEN: 'hunter2' });
  expect(admin).toMatch(/MLOPS_ADMIN_TOKEN: at least 8 characters \(got a hidden value of 7 characters\)/);
  expect(admin).not.toContain('hunter2');
  expect(messageOf({ MLOPS_CODEC_TOKEN: 'tooshort-secret' })).not.toContain('tooshort-secret');
  const url = messageOf({ TEMPORAL_UI_URL: 'ui//operator:pa55word@host' });
  expect(url).toMatch(/TEMPORAL_UI_URL/);
  expect(url).not.toContain('pa55word');
  expect(messageOf({ MLOPS_SERVER_PORT: '70000' })).toMatch(/"70000"/); // ordinary values are still shown
});

test('the built-in admin token is refused outside dev mode', () => {
  expect(() => assertProductionSecrets(parseConfig({}))).toThrow(/MLOPS_ADMIN_TOKEN: the built-in development token is refused/);
  expect(() => assertProductionSecrets(parseConfig({ MLOPS_DEV_MODE: 'true' }))).not.toThrow();
  expect(() => assertProductionSecrets(parseConfig({ MLOPS_ADMIN_TOKEN: adminToken }))).not.toThrow();
});

test('the model server process exits non-zero with the built-in token unless MLOPS_DEV_MODE=true', () => {
  const env = { PATH: process.env['PATH'] ?? '', MLOPS_DATA_DIR: tempDir('secrets'), MLOPS_SERVER_PORT: '1' };
  const run = spawnSync(process.execPath, [join(repoRoot, 'dist/src/serving/main.js')], { env, encoding: 'utf8' });
  expect(run.status).toBe(1);
  expect(run.stderr).toMatch(/built-in development token is refused.*MLOPS_DEV_MODE=true/);
});
