import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

/** What the JVM programs devstack runs (Kafka, the FHIR validator) share: a Java check and Maven-fetched jars. */

/** `java` (from JAVA_HOME when set) if it is 17 or newer; otherwise throws `missing`, one line. */
export function javaBinary(missing: string): string {
  const java = process.env.JAVA_HOME ? join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
  // `java -version` prints its banner on stderr; a missing binary leaves both empty.
  const { stderr = '', stdout = '' } = spawnSync(java, ['-version'], { encoding: 'utf8' });
  const banner = stderr + stdout;
  const major = Number(/version "(?:1\.)?(\d+)/.exec(banner)?.[1] ?? 0);
  if (major < 17) throw new Error(missing + (major ? ` (found Java ${major})` : ''));
  return java;
}

export interface MavenLibs {
  /** A pom that only lists dependencies: `mvn dependency:copy-dependencies` turns it into a classpath. */
  pom: string;
  /** The cache folder the jars land in (git-ignored); refetched when the pom changes. */
  dir: string;
  /** For the one progress line, e.g. "the Kafka 3.9.1 jars". */
  what: string;
  /** The one-line error when Maven is not there. */
  missing: string;
}

/** The classpath folder for `libs.pom`, fetched from Maven Central once and cached. */
export async function ensureMavenLibs(libs: MavenLibs): Promise<string> {
  const { pom, dir, what, missing } = libs;
  const pomHash = createHash('sha256').update(readFileSync(pom)).digest('hex');
  const marker = join(dir, '.complete');
  const complete = () => existsSync(marker) && readFileSync(marker, 'utf8') === pomHash;
  if (complete()) return dir;

  try {
    execFileSync('mvn', ['-v'], { stdio: 'ignore' });
  } catch {
    throw new Error(missing);
  }
  // Download beside the cache and rename, so a concurrent or interrupted run never sees half a classpath.
  const staging = `${dir}.tmp-${process.pid}`;
  console.error(`devstack: fetching ${what} from Maven Central (first run only)…`);
  rmSync(staging, { recursive: true, force: true });
  try {
    await promisify(execFile)('mvn', ['-B', '-q', '-f', pom, 'dependency:copy-dependencies', `-DoutputDirectory=${staging}`], {
      maxBuffer: 16 * 1024 * 1024,
    });
    writeFileSync(join(staging, '.complete'), pomHash);
    rmSync(dir, { recursive: true, force: true });
    renameSync(staging, dir);
  } catch (err) {
    rmSync(staging, { recursive: true, force: true });
    if (complete()) return dir; // another run won
    const out = (err as { stdout?: string }).stdout ?? '';
    throw new Error(`Fetching ${what} with Maven failed: ${(err as Error).message}\n${out}`.trim(), { cause: err });
  }
  return dir;
}
