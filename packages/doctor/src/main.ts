import { closeOnSignals, connectDatabase, createKafka, runMain, type EventLogger } from '@pms/platform';
import { buildApp } from './app.js';
import { loadConfig } from './config.js';
import { migrationsFolder } from './db/migrations-folder.js';
import { seedDemoDoctors } from './domain/demo-doctors.js';

runMain(async () => {
  const config = loadConfig(process.env);
  const database = await connectDatabase({
    url: config.DATABASE_URL,
    poolSize: config.DATABASE_POOL_SIZE,
    migrationsFolder,
    eventTables: true,
  });
  // kafkajs takes its logger up front; the service's logger exists once the app is built,
  // which is before anything connects to Kafka (in onReady).
  const kafkaLog: { to?: EventLogger } = {};
  const kafka = createKafka({
    brokers: config.KAFKA_BROKERS,
    clientId: config.KAFKA_CLIENT_ID ?? 'doctor',
    logger: {
      error: (obj, msg) => kafkaLog.to?.error(obj, msg),
      warn: (obj, msg) => kafkaLog.to?.warn(obj, msg),
      info: (obj, msg) => kafkaLog.to?.info(obj, msg),
      debug: (obj, msg) => kafkaLog.to?.debug(obj, msg),
    },
  });
  const app = await buildApp({ config, database, kafka });
  kafkaLog.to = app.log;
  closeOnSignals(async () => {
    await app.close();
    await database.close();
  }, app.log);
  if (config.SEED_DEMO_DATA) app.log.info(await seedDemoDoctors({ db: database.db }), 'demo doctors');
  await app.listen({ host: config.HOST, port: config.PORT });
});
