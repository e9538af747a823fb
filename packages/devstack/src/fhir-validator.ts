import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ensureMavenLibs, javaBinary } from './jvm.js';
import { spawnManaged } from './processes.js';

/**
 * HL7's FHIR R4 instance validation as HAPI FHIR 8.8.1 implements it (FhirInstanceValidator),
 * for tests: software we did not write judges what our FHIR endpoints return. HAPI takes
 * seconds to start, so fhir-validator/Validator.java runs as one long-lived JVM answering
 * POST /validate; this module fetches its jars, compiles it and talks to it.
 */

export interface FhirIssue {
  severity: 'fatal' | 'error' | 'warning' | 'information';
  message: string;
  /** A FHIRPath-like location, e.g. "Patient.gender" or "Bundle.entry[0].resource/*Patient/p1*\/"; null when HAPI gives none. */
  location: string | null;
  /** HAPI's message or constraint id, e.g. "Type_Specific_Checks_DT_Date_Valid". */
  messageId?: string | null;
}

export interface FhirValidator {
  url: string;
  /** Every issue HAPI reports; `resource` is sent as JSON, a string as it is (to test raw text). */
  validate(resource: unknown): Promise<FhirIssue[]>;
  /** Stops the JVM if this handle started it; a no-op on a shared one. */
  close(): Promise<void>;
}

const HERE = fileURLToPath(new URL('../fhir-validator/', import.meta.url));
const POM = join(HERE, 'pom.xml');
const SOURCE = join(HERE, 'Validator.java');
const CACHE = fileURLToPath(new URL('../.cache/', import.meta.url));
const LIBS = join(CACHE, 'fhir-validator-libs');
const CLASSES = join(CACHE, 'fhir-validator-classes');
const MISSING =
  'The FHIR validator needs a Java 17+ JDK (java and javac) and Maven on PATH (HAPI FHIR comes from Maven Central): ' +
  'install them, e.g. `apt-get install openjdk-17-jdk-headless maven`.';
const START_TIMEOUT_MS = 180_000;

/** Fetches HAPI's jars (first run only) and compiles Validator.java against them; returns the classpath. */
export async function ensureFhirValidatorBuild(): Promise<string> {
  javaBinary(MISSING);
  const libs = await ensureMavenLibs({ pom: POM, dir: LIBS, what: 'the HAPI FHIR 8.8.1 validator jars (~150 MB)', missing: MISSING });
  // Recompiled when the source or the jars change; staged and renamed like the jars.
  const hash = createHash('sha256').update(readFileSync(SOURCE)).update(readFileSync(join(libs, '.complete'))).digest('hex');
  const marker = join(CLASSES, '.complete');
  const complete = () => existsSync(marker) && readFileSync(marker, 'utf8') === hash;
  if (!complete()) {
    const staging = `${CLASSES}.tmp-${process.pid}`;
    rmSync(staging, { recursive: true, force: true });
    mkdirSync(staging, { recursive: true });
    const javac = process.env.JAVA_HOME ? join(process.env.JAVA_HOME, 'bin', 'javac') : 'javac';
    try {
      await promisify(execFile)(javac, ['-d', staging, '-cp', `${libs}/*`, SOURCE]);
      writeFileSync(join(staging, '.complete'), hash);
      rmSync(CLASSES, { recursive: true, force: true });
      renameSync(staging, CLASSES);
    } catch (err) {
      rmSync(staging, { recursive: true, force: true });
      if (!complete()) {
        const e = err as NodeJS.ErrnoException & { stderr?: string };
        throw new Error(e.code === 'ENOENT' ? MISSING : `Compiling ${SOURCE} failed:\n${e.stderr ?? e.message}`, { cause: err });
      }
    }
  }
  return `${libs}/*:${CLASSES}`;
}

/** Starts the validator JVM on a free port and resolves once it has validated a first resource. */
export async function startFhirValidator(options: { logFile?: string } = {}): Promise<FhirValidator> {
  const java = javaBinary(MISSING);
  const classpath = await ensureFhirValidatorBuild();
  let announce: (port: number) => void = () => {};
  const announced = new Promise<number>((resolve) => (announce = resolve));
  const proc = spawnManaged(
    'fhir-validator',
    java,
    ['-Xmx1g', '-XX:+UseSerialGC', '-Djava.awt.headless=true', '-Dorg.slf4j.simpleLogger.defaultLogLevel=warn', '-cp', classpath, 'Validator', '0'],
    {
      logFile: options.logFile,
      onLine: (line) => {
        const port = /^fhir-validator listening on (\d+)$/.exec(line.trim())?.[1];
        if (port) announce(Number(port));
      },
    },
  );
  // Readiness is the line the JVM prints after its warm-up; an early exit or a hang fails at once or at the deadline.
  let timer: NodeJS.Timeout | undefined;
  const port = await Promise.race([
    announced,
    proc.exited.then((code) => Promise.reject(new Error(`the FHIR validator exited (${code}) before it was ready:\n${proc.recentOutput()}`))),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`the FHIR validator was not ready after ${START_TIMEOUT_MS} ms:\n${proc.recentOutput()}`)), START_TIMEOUT_MS);
    }),
  ])
    .catch(async (err: Error) => {
      await proc.stop(5_000);
      throw err;
    })
    .finally(() => clearTimeout(timer));
  return { ...fhirValidatorAt(`http://127.0.0.1:${port}`), close: () => proc.stop(10_000) };
}

/** A client for a validator someone else started (e.g. the run-wide one the vitest global setup shares). */
export function fhirValidatorAt(url: string): FhirValidator {
  return {
    url,
    async validate(resource) {
      const body = typeof resource === 'string' ? resource : JSON.stringify(resource);
      const res = await fetch(`${url}/validate`, { method: 'POST', body, headers: { 'content-type': 'application/fhir+json' } });
      if (!res.ok) throw new Error(`FHIR validator at ${url}: ${res.status} ${await res.text()}`);
      return (await res.json()) as FhirIssue[];
    },
    close: async () => {},
  };
}

/** The issues that make a resource invalid (warnings and information do not). */
export function fhirErrors(issues: FhirIssue[]): FhirIssue[] {
  return issues.filter((issue) => issue.severity === 'error' || issue.severity === 'fatal');
}

/** One line per issue, e.g. "error at Patient.gender: The value provided ('robot') was not found ...". */
export function formatFhirIssues(issues: FhirIssue[]): string {
  return issues.map((i) => `${i.severity} at ${i.location ?? '(no location)'}: ${i.message}`).join('\n');
}

/**
 * Fails (throws) when HAPI finds any error or fatal issue in `resource`, listing them all with
 * `what` (e.g. "GET /fhir/R4/Patient/1") in front; returns every issue for further checks.
 */
export async function expectValidFhir(validator: FhirValidator, resource: unknown, what = describe(resource)): Promise<FhirIssue[]> {
  const issues = await validator.validate(resource);
  const errors = fhirErrors(issues);
  if (errors.length > 0) {
    throw new Error(`${what} is not valid FHIR R4 (HAPI ${validator.url}): ${errors.length} error(s)\n${formatFhirIssues(errors)}`);
  }
  return issues;
}

function describe(resource: unknown): string {
  const r = resource as { resourceType?: unknown; id?: unknown } | null;
  return typeof r === 'object' && r !== null ? `${String(r.resourceType)}/${String(r.id ?? '(no id)')}` : 'the input';
}
