import { closeOnSignals, connectDatabase, createKafka, deferredLogger, runMain } from '@pms/platform';
import { buildApp } from './app.js';
import { loadConfig } from './config.js';
import { migrationsFolder } from './db/migrations-folder.js';

runMain(async () => {
  const config = loadConfig(process.env);
  const database = await connectDatabase({
    url: config.DATABASE_URL,
    poolSize: config.DATABASE_POOL_SIZE,
    queryTimeoutMs: config.DATABASE_QUERY_TIMEOUT_MS,
    migrationsFolder,
    eventTables: true,
  });
  const kafkaLog = deferredLogger();
  const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: config.KAFKA_CLIENT_ID ?? 'analytics', logger: kafkaLog });

  const app = await buildApp({ config, database, kafka });
  kafkaLog.attach(app.log);
  closeOnSignals(async () => {
    await app.close();
    await database.close();
  }, app.log);
  await app.listen({ host: config.HOST, port: config.PORT });
});
