import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureMavenLibs, javaBinary } from './jvm.js';
import { spawnManaged, type ManagedProcess } from './processes.js';
import { Fatal, retryUntil } from './wait.js';

/**
 * Zipkin, the trace viewer the services export to: its executable server jar from Maven Central,
 * started like the Kafka broker, keeping traces in memory only (lost at stop; a dev tool).
 */
export interface Zipkin {
  /** The UI and API, e.g. http://127.0.0.1:9411. */
  url: string;
  /** Where services send spans (OTEL_EXPORTER_ZIPKIN_ENDPOINT). */
  spansEndpoint: string;
  stop(): Promise<void>;
}

const POM = fileURLToPath(new URL('../zipkin/pom.xml', import.meta.url));
const LIBS = fileURLToPath(new URL('../.cache/zipkin-server', import.meta.url));
const VERSION = '3.5.1';
const NO_JAVA = 'Zipkin needs Java 17+ and Maven on PATH (its server jar comes from Maven Central), or set OTEL_SDK_DISABLED=true.';
const START_TIMEOUT_MS = 180_000;

export async function startZipkin(options: { port: number; logFile: string; heapMb?: number }): Promise<Zipkin> {
  const java = javaBinary(NO_JAVA);
  const libs = await ensureMavenLibs({ pom: POM, dir: LIBS, what: `the Zipkin ${VERSION} server jar`, missing: NO_JAVA });
  const url = `http://127.0.0.1:${options.port}`;
  const jvm = [`-Xms64m`, `-Xmx${options.heapMb ?? 256}m`, '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-Djava.awt.headless=true'];
  const proc: ManagedProcess = spawnManaged('zipkin', java, [...jvm, '-jar', join(libs, `zipkin-server-${VERSION}-exec.jar`)], {
    // Memory storage, our port, on loopback only; no self-tracing.
    env: { ...process.env, STORAGE_TYPE: 'mem', QUERY_PORT: String(options.port), ARMERIA_PORTS_0_PORT: String(options.port), ARMERIA_PORTS_0_IP: '127.0.0.1', ARMERIA_PORTS_0_PROTOCOLS_0: 'http', SELF_TRACING_ENABLED: 'false' },
    logFile: options.logFile,
    // Nothing on a request's path waits for it: spans are exported in the background.
    niceness: 5,
  });
  try {
    await retryUntil('Zipkin', START_TIMEOUT_MS, async () => {
      if (!proc.running) throw new Fatal(`Zipkin exited\n--- last lines of ${options.logFile} ---\n${proc.recentOutput()}`);
      const response = await fetch(`${url}/health`);
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
    }, 300);
  } catch (error) {
    await proc.stop(5_000);
    throw error;
  }
  return { url, spansEndpoint: `${url}/api/v2/spans`, stop: () => proc.stop(15_000) };
}
