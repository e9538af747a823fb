import { connectServiceDatabase, createServiceKafka, runMain, serve } from '@pms/platform';
import { buildApp } from './app.js';
import { loadConfig } from './config.js';
import { migrationsFolder } from './db/migrations-folder.js';
import { createPatientClient } from './peers/patient-directory.js';

runMain(async () => {
  const config = loadConfig(process.env);
  const database = await connectServiceDatabase(config, migrationsFolder);
  const { kafka, log: kafkaLog } = createServiceKafka(config, 'billing');
  const patients = createPatientClient(config.PATIENT_GRPC_URL, config.PATIENT_GRPC_DEADLINE_MS);
  const app = await buildApp({ config, database, kafka, patients });
  kafkaLog.attach(app.log);
  await serve(app, config, patients, database);
});
