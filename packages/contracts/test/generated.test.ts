import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../../..');
const protos = join(root, 'protos');
const committed = join(root, 'packages/contracts/src/generated');
const buf = join(root, 'node_modules/.bin/buf');

const listFiles = (dir: string): string[] =>
  readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)))
    .sort();

describe('protos and generated gRPC stubs', () => {
  it('pass buf lint', () => {
    expect(() => execFileSync(buf, ['lint'], { cwd: protos, stdio: 'pipe' })).not.toThrow();
  });

  it('committed stubs match what the protos generate (run `npm run generate:grpc` when this fails)', () => {
    const out = mkdtempSync(join(tmpdir(), 'pms-stubs-'));
    const template = readFileSync(join(protos, 'buf.gen.yaml'), 'utf8').replace(
      '../packages/contracts/src/generated',
      out,
    );
    execFileSync(buf, ['generate', '--template', template], { cwd: protos, stdio: 'pipe' });
    expect(listFiles(out)).toEqual(listFiles(committed));
    for (const file of listFiles(out)) {
      expect(readFileSync(join(out, file), 'utf8'), file).toBe(readFileSync(join(committed, file), 'utf8'));
    }
  });
});
