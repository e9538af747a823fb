// How many events each consumer's transactions and each relay's rounds carried (issue 20): read
// from the services' /metrics (pms_consumer_* and pms_relay_*, counted by platform) before and
// after a scenario with its chain.
export type FlowCounts = Record<string, Record<string, number>>;

const counters = ['pms_consumer_partition_batches_total', 'pms_consumer_events_total', 'pms_consumer_transactions_total', 'pms_relay_batches_total', 'pms_relay_events_total'];

export async function flowSnapshot(servicePorts: Record<string, number>): Promise<FlowCounts> {
  const counts: FlowCounts = {};
  for (const [service, port] of Object.entries(servicePorts)) {
    const text = await fetch(`http://127.0.0.1:${port}/metrics`).then((r) => (r.ok ? r.text() : ''), () => '');
    const values: Record<string, number> = {};
    for (const name of counters) {
      const value = new RegExp(`^${name}(?:\\{[^}]*\\})? (\\d+)`, 'm').exec(text)?.[1];
      if (value !== undefined) values[name] = Number(value);
    }
    if (Object.keys(values).length > 0) counts[service] = values;
  }
  return counts;
}

export interface FlowPerService {
  /** Events per partition batch kafkajs handed over (how full the broker let a fetch get). */
  eventsPerFetchBatch?: number;
  /** Events per consumer transaction (the partitions of one fetch share one). */
  eventsPerTransaction?: number;
  /** Events per relay round (claim, send, mark). */
  relayEventsPerBatch?: number;
}

const ratio = (a: number, b: number) => (b > 0 ? Math.round((a / b) * 10) / 10 : undefined);

export function flowBetween(before: FlowCounts, after: FlowCounts): Record<string, FlowPerService> {
  const result: Record<string, FlowPerService> = {};
  for (const [service, now] of Object.entries(after)) {
    const then = before[service] ?? {};
    const delta = (name: string) => (now[name] ?? 0) - (then[name] ?? 0);
    const events = delta('pms_consumer_events_total');
    const relayed = delta('pms_relay_events_total');
    if (events === 0 && relayed === 0) continue;
    result[service] = {
      eventsPerFetchBatch: ratio(events, delta('pms_consumer_partition_batches_total')),
      eventsPerTransaction: ratio(events, delta('pms_consumer_transactions_total')),
      relayEventsPerBatch: ratio(relayed, delta('pms_relay_batches_total')),
    };
  }
  return result;
}
