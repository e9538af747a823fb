import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { link, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { AuthConfig } from './config.js';
import { signingKeyFromPem, type SigningKey } from './domain/signing-key.js';

export interface LoadedSigningKey {
  key: SigningKey;
  /** Where it came from, for the start-up log line. */
  source: string;
}

type KeyConfig = Pick<AuthConfig, 'AUTH_PRIVATE_KEY' | 'AUTH_KEY_FILE' | 'AUTH_DATA_DIR'>;

/**
 * The signing key, in order of preference: AUTH_PRIVATE_KEY (PEM), AUTH_KEY_FILE (must exist),
 * else a development key generated once into AUTH_DATA_DIR and reused on every later start,
 * so tokens issued before a restart stay valid.
 */
export async function loadSigningKey(config: KeyConfig): Promise<LoadedSigningKey> {
  if (config.AUTH_PRIVATE_KEY) {
    // One-line env files often carry the PEM with literal \n.
    return { key: signingKeyFromPem(config.AUTH_PRIVATE_KEY.replaceAll('\\n', '\n')), source: 'AUTH_PRIVATE_KEY' };
  }
  if (config.AUTH_KEY_FILE) {
    return { key: signingKeyFromPem(await readFile(config.AUTH_KEY_FILE, 'utf8')), source: config.AUTH_KEY_FILE };
  }
  const file = resolve(join(config.AUTH_DATA_DIR, 'signing-key.pem'));
  return { key: signingKeyFromPem(await readOrCreateDevKey(file)), source: file };
}

async function readOrCreateDevKey(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const pem = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  await mkdir(dirname(file), { recursive: true });
  // Written aside, then linked into place: a concurrent starter never reads a half-written
  // file, and if one won the race, everyone uses its key.
  const draft = `${file}.${randomUUID()}.tmp`;
  await writeFile(draft, pem, { mode: 0o600 });
  try {
    await link(draft, file);
    return pem;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return readFile(file, 'utf8');
  } finally {
    await rm(draft, { force: true });
  }
}
