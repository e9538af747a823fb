import { randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { devstackControl } from '../src/index.js';

const kafka = new Kafka({ clientId: 'devstack-test', brokers: inject('kafkaBrokers').split(','), logLevel: logLevel.NOTHING });

/** Reads `count` values of a topic from its beginning with a fresh consumer group. */
async function consume(topic: string, count: number): Promise<string[]> {
  const consumer: Consumer = kafka.consumer({ groupId: `g-${randomUUID()}` });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const seen: string[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      consumer
        .run({
          eachMessage: async ({ message }) => {
            seen.push(message.value?.toString() ?? '');
            if (seen.length >= count) resolve();
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return seen.sort();
}

function tcpConnect(hostPort: string): Promise<void> {
  const [host, port] = hostPort.split(':');
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), host, () => {
      socket.end();
      resolve();
    });
    socket.once('error', reject);
  });
}

describe('Kafka from the devstack', { timeout: 90_000 }, () => {
  const producer = kafka.producer();
  afterEach(() => producer.disconnect());

  it('produces and consumes a message (topic auto-created)', async () => {
    const topic = `devstack-${randomUUID()}`;
    await producer.connect();
    await producer.send({ topic, messages: [{ key: 'k', value: 'hello' }] });
    expect(await consume(topic, 1)).toEqual(['hello']);
  });

  it.skipIf(!inject('kafkaControllable'))('stops and starts again on the same port, keeping its data', async () => {
    const control = devstackControl(inject('devstackControlUrl'));
    const topic = `devstack-restart-${randomUUID()}`;
    await producer.connect();
    await producer.send({ topic, messages: [{ value: 'before' }] });
    await producer.disconnect();

    await control.stopKafka();
    await expect(tcpConnect(inject('kafkaBrokers').split(',')[0]!)).rejects.toThrow(/ECONNREFUSED/);
    await control.startKafka();

    await producer.connect();
    await producer.send({ topic, messages: [{ value: 'after' }] });
    expect(await consume(topic, 2)).toEqual(['after', 'before']);
  });
});
