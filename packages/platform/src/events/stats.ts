import { Counter, type Registry } from 'prom-client';

/**
 * What the relay and the consumer of one process have done, counted for /metrics: how many
 * events each batch, transaction and round carried is what the event chain's cost per event
 * depends on (the benchmark reads these).
 */
export interface EventFlowStats {
  /** Partition batches kafkajs handed over, the events in them, the transactions that applied them. */
  consumer: { partitionBatches: number; events: number; transactions: number };
  /** Relay rounds that sent something, and the events they sent. */
  relay: { batches: number; events: number };
}

export const newEventFlowStats = (): EventFlowStats => ({
  consumer: { partitionBatches: 0, events: 0, transactions: 0 },
  relay: { batches: 0, events: 0 },
});

/** The counts as Prometheus counters, read when /metrics is scraped. */
export function registerEventFlowMetrics(registry: Registry, stats: EventFlowStats): void {
  const counter = (name: string, help: string, read: () => number) =>
    new Counter({
      name,
      help,
      registers: [registry],
      collect() {
        this.reset();
        this.inc(read());
      },
    });
  counter('pms_consumer_partition_batches_total', 'Partition batches the consumer was handed', () => stats.consumer.partitionBatches);
  counter('pms_consumer_events_total', 'Events the consumer was handed', () => stats.consumer.events);
  counter('pms_consumer_transactions_total', 'Transactions that applied consumed events', () => stats.consumer.transactions);
  counter('pms_relay_batches_total', 'Outbox relay rounds that sent events', () => stats.relay.batches);
  counter('pms_relay_events_total', 'Events the outbox relay sent', () => stats.relay.events);
}
