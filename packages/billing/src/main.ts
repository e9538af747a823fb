import { closeOnSignals, connectDatabase, createKafka, deferredLogger, runMain } from '@pms/platform';
import { buildApp } from './app.js';
import { loadConfig } from './config.js';
import { migrationsFolder } from './db/migrations-folder.js';
import { createPatientClient } from './peers/patient-directory.js';

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
  const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: config.KAFKA_CLIENT_ID ?? 'billing', logger: kafkaLog });
  const patients = createPatientClient(config.PATIENT_GRPC_URL, config.PATIENT_GRPC_DEADLINE_MS);

  const service = await buildApp({ config, database, kafka, patients });
  kafkaLog.attach(service.log);
  closeOnSignals(async () => {
    await service.close();
    patients.close();
    await database.close();
  }, service.log);
  await service.listen({ host: config.HOST, port: config.PORT });
});
