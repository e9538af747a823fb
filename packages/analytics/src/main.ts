import { closeOnSignals, connectDatabase, createKafka, runMain } from '@pms/platform';
import { pino } from 'pino';
import { buildApp } from './app.js';
import { loadConfig } from './config.js';
import { migrationsFolder } from './db/migrations-folder.js';

runMain(async () => {
  const config = loadConfig(process.env);
  const logger = pino({ level: config.LOG_LEVEL, base: { service: 'analytics' } });
  const database = await connectDatabase({
    url: config.DATABASE_URL,
    poolSize: config.DATABASE_POOL_SIZE,
    migrationsFolder,
    eventTables: true,
  });
  const kafka = createKafka({
    brokers: config.KAFKA_BROKERS,
    clientId: config.KAFKA_CLIENT_ID ?? 'analytics',
    logger: logger.child({ component: 'kafka' }),
  });

  const app = await buildApp({ config, database, kafka });
  closeOnSignals(async () => {
    await app.close();
    await database.close();
  }, app.log);
  await app.listen({ host: config.HOST, port: config.PORT });
});
