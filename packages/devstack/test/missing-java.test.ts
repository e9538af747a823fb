import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const kafkaModule = fileURLToPath(new URL('../src/kafka.ts', import.meta.url));
const validatorModule = fileURLToPath(new URL('../src/fhir-validator.ts', import.meta.url));

/** Runs `script` (an ES module) in a child with no java, javac or mvn on PATH and no JAVA_HOME. */
function withoutJava(script: string) {
  return spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    env: { PATH: '/nonexistent', HOME: process.env.HOME },
    encoding: 'utf8',
    cwd: fileURLToPath(new URL('..', import.meta.url)),
  });
}

describe('a machine without Java', () => {
  it('gets one clear line on what to install, or what to use instead', () => {
    // A child with no java on PATH and no JAVA_HOME, starting the broker as `npm start` would.
    const script = `import { startKafka } from ${JSON.stringify(kafkaModule)};
      startKafka({ dataDir: ${JSON.stringify(join(mkdtempSync(join(tmpdir(), 'pms-nojava-')), 'kafka'))}, port: 1 })
        .then(() => process.exit(0), (error) => { console.error(error.message); process.exit(3); });`;
    const result = withoutJava(script);
    expect(result.status).toBe(3);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/Java 17\+ and Maven/);
    expect(lines[0]).toMatch(/KAFKA_BROKERS|docker compose/);
  });

  it('gets one clear line when a test asks for the FHIR validator', () => {
    const script = `import { startFhirValidator } from ${JSON.stringify(validatorModule)};
      startFhirValidator().then(() => process.exit(0), (error) => { console.error(error.message); process.exit(3); });`;
    const result = withoutJava(script);
    expect(result.status).toBe(3);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/FHIR validator needs a Java 17\+ JDK .* and Maven/);
  });
});
