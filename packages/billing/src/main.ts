import { closeOnSignals, connectDatabase, createKafka, runMain, type EventLogger, type ServiceInstance } from '@pms/platform';
import { buildApp } from './app.js';
import { loadConfig } from './config.js';
import { migrationsFolder } from './db/migrations-folder.js';
import { createPatientClient } from './grpc/patient-directory.js';

runMain(async () => {
  const config = loadConfig(process.env);
  const database = await connectDatabase({
    url: config.DATABASE_URL,
    poolSize: config.DATABASE_POOL_SIZE,
    migrationsFolder,
    eventTables: true,
  });
  // kafkajs logs only once the app runs its consumer and relay, through the app's logger.
  let app: ServiceInstance | undefined;
  const kafkaLogger: EventLogger = {
    error: (obj, msg) => app?.log.error(obj, msg),
    warn: (obj, msg) => app?.log.warn(obj, msg),
    info: (obj, msg) => app?.log.info(obj, msg),
    debug: (obj, msg) => app?.log.debug(obj, msg),
  };
  const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: config.KAFKA_CLIENT_ID ?? 'billing', logger: kafkaLogger });
  const patients = createPatientClient(config.PATIENT_GRPC_URL, config.PATIENT_GRPC_DEADLINE_MS);

  const service = (app = await buildApp({ config, database, kafka, patients }));
  closeOnSignals(async () => {
    await service.close();
    patients.close();
    await database.close();
  }, service.log);
  await service.listen({ host: config.HOST, port: config.PORT });
});
