import { Agent } from 'node:http';
import type { FuzzCase } from './cases.js';
import { sendRaw, type RawAnswer } from './send.js';

/** mulberry32: a tiny seeded PRNG, so a failing run replays with the same cases. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export function shuffled<T>(items: T[], random: () => number): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy;
}

/** The baseline first, then at most `limit - 1` of the rest, picked by the seeded random. */
export function sample(cases: FuzzCase[], limit: number, random: () => number): FuzzCase[] {
  const [baseline, ...rest] = cases;
  return baseline ? [baseline, ...shuffled(rest, random).slice(0, limit - 1)] : [];
}

export interface Outcome {
  fuzzCase: FuzzCase;
  identity: string;
  answer: RawAnswer;
}

/** Sends every case with `concurrency` requests in flight. */
export async function sendAll(
  baseUrlOf: (fuzzCase: FuzzCase) => string,
  jobs: { fuzzCase: FuzzCase; identity: string; token?: string }[],
  options: { concurrency: number; timeoutMs: number },
): Promise<Outcome[]> {
  const agent = new Agent({ keepAlive: true, maxSockets: options.concurrency });
  const outcomes: Outcome[] = [];
  let next = 0;
  const worker = async () => {
    for (let job = jobs[next++]; job; job = jobs[next++]) {
      const answer = await sendRaw(agent, baseUrlOf(job.fuzzCase), { ...job.fuzzCase, token: job.token, timeoutMs: options.timeoutMs });
      outcomes.push({ fuzzCase: job.fuzzCase, identity: job.identity, answer });
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  agent.destroy();
  return outcomes;
}

interface Detail {
  field?: unknown;
}

/**
 * The fields a 400 names, as the JSON API spells them (`name.0.family`): its `details[].field`,
 * or on /fhir routes an OperationOutcome's `issue[].expression` (`Patient.name[0].family`), whose
 * leading resource type names no field.
 */
function namedFields(body: unknown): Detail[] | undefined {
  const answer = body as { details?: Detail[]; resourceType?: string; issue?: { expression?: string[] }[] } | undefined;
  if (answer?.resourceType !== 'OperationOutcome') return answer?.details;
  return answer.issue?.map((issue) => ({
    field: issue.expression?.[0]?.replace(/^[A-Z][A-Za-z]+\./, '').replace(/\[(\d+)\]/g, '.$1'),
  }));
}

/** What is wrong with one answer, or undefined when it is fine. */
export function verdict(outcome: Outcome, baselineWas400: boolean): string | undefined {
  const { answer, fuzzCase } = outcome;
  if (answer.failure) return answer.failure;
  if (answer.status >= 500) return `status ${answer.status}`;
  if (answer.status !== 400) return undefined;
  const details = namedFields(answer.body);
  if (!Array.isArray(details) || details.length === 0) return '400 without details';
  if (details.some((d) => typeof d.field !== 'string' || d.field === '')) return '400 with a detail that names no field';
  const field = fuzzCase.field;
  if (!field || baselineWas400) return undefined;
  // A dot segment is removed from the URL (RFC 3986) before routing: `/series/./cancel` is
  // `/series/cancel`, another route, whose own parameter is rightly the one named.
  if (/\bdot\b/.test(fuzzCase.label) && !fuzzCase.label.includes('encoded')) return undefined;
  // A path segment the router or proxy refuses before any route parses it is blamed on the path.
  const accepted = fuzzCase.label.startsWith('path ') ? [field, 'path'] : [field];
  const named = details.some((d) => accepted.some((name) => d.field === name || String(d.field).startsWith(`${name}.`)));
  return named ? undefined : `400 does not name ${field}`;
}

/** One line per problem, for the assertion message. */
export function describe(outcome: Outcome, problem: string): string {
  const { fuzzCase, identity, answer } = outcome;
  const path = fuzzCase.path.length > 160 ? `${fuzzCase.path.slice(0, 160)}…` : fuzzCase.path;
  const body = JSON.stringify(answer.body)?.slice(0, 300);
  return `${problem}: ${identity} ${fuzzCase.method} ${path} [${fuzzCase.label}] -> ${answer.status} ${body ?? ''}`;
}
