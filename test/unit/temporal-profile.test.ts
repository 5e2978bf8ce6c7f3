import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadAppConfig, temporalConnectionOptions } from '../../src/client';
import { ConfigError, parseConfig } from '../../src/domain';
import { tempDir } from '../support/paths';

/** Envconfig profiles (TOML) and `TEMPORAL_*` env: which wins, and what a broken profile says. */
const dir = tempDir('profile');
const pem = (name: string): string => {
  const path = join(dir, name);
  writeFileSync(path, `-----BEGIN CERTIFICATE-----\n${name}\n-----END CERTIFICATE-----\n`);
  return path;
};
const toml = (name: string, text: string): string => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

const file = toml(
  'temporal.toml',
  `
[profile.default]
address = "127.0.0.1:7299"
namespace = "from-default-profile"

[profile.selfhosted]
address = "temporal.internal:7233"
namespace = "mlops"
[profile.selfhosted.tls]
client_cert_path = "${pem('client.pem')}"
client_key_path = "${pem('client.key')}"
server_ca_cert_path = "${pem('ca.pem')}"
server_name = "temporal.internal"

[profile.cloud]
address = "mlops.a1b2c.tmprl.cloud:7233"
namespace = "mlops.a1b2c"
api_key = "secret-api-key"
`,
);

test('no profile file and no env: the local dev server defaults', () => {
  const c = loadAppConfig({ TEMPORAL_CONFIG_FILE: undefined, HOME: dir });
  expect(c.temporal).toMatchObject({ address: '127.0.0.1:7233', namespace: 'default', transport: {} });
  expect(temporalConnectionOptions(c)).toEqual({ address: '127.0.0.1:7233' });
});

test('the default profile of TEMPORAL_CONFIG_FILE; TEMPORAL_ADDRESS / TEMPORAL_NAMESPACE env win over it', () => {
  expect(loadAppConfig({ TEMPORAL_CONFIG_FILE: file }).temporal).toMatchObject({ address: '127.0.0.1:7299', namespace: 'from-default-profile' });
  const overridden = loadAppConfig({ TEMPORAL_CONFIG_FILE: file, TEMPORAL_ADDRESS: '10.0.0.1:7233', TEMPORAL_NAMESPACE: 'env-ns' });
  expect(overridden.temporal).toMatchObject({ address: '10.0.0.1:7233', namespace: 'env-ns' });
});

test('a self-hosted mTLS profile reads its certificates into the connection options of clients and workers', () => {
  const c = loadAppConfig({ TEMPORAL_CONFIG_FILE: file, TEMPORAL_PROFILE: 'selfhosted' });
  const options = temporalConnectionOptions(c);
  expect(options.address).toBe('temporal.internal:7233');
  expect(c.temporal.namespace).toBe('mlops');
  expect(c.temporal.profileSource).toBe(`profile "selfhosted" of TEMPORAL_CONFIG_FILE=${file}`);
  const tls = options.tls as { serverNameOverride?: string; clientCertPair?: { crt: Uint8Array }; serverRootCACertificate?: Uint8Array };
  expect(tls.serverNameOverride).toBe('temporal.internal');
  expect(Buffer.from(tls.clientCertPair?.crt ?? []).toString()).toContain('client.pem');
  expect(Buffer.from(tls.serverRootCACertificate ?? []).toString()).toContain('ca.pem');
});

test('a Temporal Cloud profile with an API key turns TLS on', () => {
  const options = temporalConnectionOptions(loadAppConfig({ TEMPORAL_CONFIG_FILE: file, TEMPORAL_PROFILE: 'cloud' }));
  expect(options).toEqual({ address: 'mlops.a1b2c.tmprl.cloud:7233', apiKey: 'secret-api-key', tls: true });
});

test('bad profiles stop with a ConfigError naming the setting', () => {
  const missingCert = toml('missing-cert.toml', '[profile.default.tls]\nclient_cert_path = "/nope/client.pem"\nclient_key_path = "/nope/client.key"\n');
  const load = (env: Record<string, string>) => () => loadAppConfig(env);
  expect(load({ TEMPORAL_CONFIG_FILE: missingCert })).toThrow(ConfigError);
  expect(load({ TEMPORAL_CONFIG_FILE: missingCert })).toThrow(/tls\.client_cert_path of profile "default" .*file not found \(\/nope\/client\.pem\)/);
  expect(load({ TEMPORAL_CONFIG_FILE: file, TEMPORAL_PROFILE: 'selfhosted', TEMPORAL_TLS_CLIENT_KEY_PATH: '/nope/k.key' })).toThrow(
    /TEMPORAL_TLS_CLIENT_KEY_PATH: file not found \(\/nope\/k\.key\)/,
  );
  const halfPair = toml('half.toml', `[profile.default.tls]\nclient_cert_path = "${pem('only.pem')}"\n`);
  expect(load({ TEMPORAL_CONFIG_FILE: halfPair })).toThrow(/client_cert_path and client_key_path go together/);
  expect(load({ TEMPORAL_CONFIG_FILE: file, TEMPORAL_PROFILE: 'nope' })).toThrow(/TEMPORAL_PROFILE.*Profile 'nope' not found/);
  expect(load({ TEMPORAL_CONFIG_FILE: join(dir, 'absent.toml') })).toThrow(/TEMPORAL_CONFIG_FILE: file not found/);
  const badAddress = toml('bad-address.toml', '[profile.default]\naddress = "no-port"\n');
  expect(load({ TEMPORAL_CONFIG_FILE: badAddress })).toThrow(/address of profile "default".*host:port/);
});

test('worker roles and per-queue concurrency come from config; the training queue is derived from the control queue', () => {
  const c = parseConfig({ MLOPS_TASK_QUEUE: 'ml', MLOPS_WORKER_ROLE: 'training', MLOPS_TRAINING_WORKER_MAX_ACTIVITIES: '3' });
  expect(c.worker).toMatchObject({ role: 'training', maxTrainingActivities: 3 });
  expect(c.temporal.builtinTrainingTaskQueue).toBe('ml-builtin-training');
  expect(() => parseConfig({ MLOPS_WORKER_ROLE: 'gpu' })).toThrow(/MLOPS_WORKER_ROLE/);
});
