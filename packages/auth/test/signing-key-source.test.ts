import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSigningKey } from '../src/signing-key-source.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pms-auth-keys-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const pemOf = (type: 'ed25519' | 'rsa') =>
  (type === 'rsa' ? generateKeyPairSync('rsa', { modulusLength: 2048 }) : generateKeyPairSync('ed25519')).privateKey
    .export({ type: 'pkcs8', format: 'pem' })
    .toString();

describe('loadSigningKey', () => {
  it('generates a development key into the data folder once and reuses it after a restart', async () => {
    const dataDir = join(dir, randomUUID(), 'auth');
    const first = await loadSigningKey({ AUTH_DATA_DIR: dataDir });
    const second = await loadSigningKey({ AUTH_DATA_DIR: dataDir });
    expect(first.key.algorithm).toBe('EdDSA');
    expect(second.key.kid).toBe(first.key.kid);
    expect(await readdir(dataDir)).toEqual(['signing-key.pem']);
    expect((await stat(join(dataDir, 'signing-key.pem'))).mode & 0o777).toBe(0o600);
  });

  it('agrees on one key when several starts race to create it', async () => {
    const dataDir = join(dir, randomUUID());
    const keys = await Promise.all(Array.from({ length: 5 }, () => loadSigningKey({ AUTH_DATA_DIR: dataDir })));
    expect(new Set(keys.map((loaded) => loaded.key.kid)).size).toBe(1);
  });

  it('prefers AUTH_PRIVATE_KEY, accepting \\n escapes from one-line env files', async () => {
    const pem = pemOf('ed25519');
    const fromEnv = await loadSigningKey({ AUTH_PRIVATE_KEY: pem.replaceAll('\n', '\\n'), AUTH_DATA_DIR: join(dir, 'unused') });
    const fromFile = join(dir, `${randomUUID()}.pem`);
    await writeFile(fromFile, pem);
    expect(fromEnv.source).toBe('AUTH_PRIVATE_KEY');
    expect((await loadSigningKey({ AUTH_KEY_FILE: fromFile, AUTH_DATA_DIR: dir })).key.kid).toBe(fromEnv.key.kid);
  });

  it('accepts an RSA key (RS256)', async () => {
    const loaded = await loadSigningKey({ AUTH_PRIVATE_KEY: pemOf('rsa'), AUTH_DATA_DIR: dir });
    expect(loaded.key.algorithm).toBe('RS256');
    expect(loaded.key.publicJwk).toMatchObject({ kty: 'RSA', alg: 'RS256' });
    expect(loaded.key.publicJwk).not.toHaveProperty('d');
  });

  it('fails when AUTH_KEY_FILE names a missing file instead of silently making a key', async () => {
    await expect(loadSigningKey({ AUTH_KEY_FILE: join(dir, 'missing.pem'), AUTH_DATA_DIR: dir })).rejects.toThrow(/ENOENT/);
  });
});
