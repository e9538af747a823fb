import { connectServiceDatabase, createServiceKafka, runMain, serve } from '@pms/platform';
import { buildApp } from './app.js';
import { loadConfig } from './config.js';
import { migrationsFolder } from './db/migrations-folder.js';
import { createPeerClients } from './peers/grpc-peers.js';

runMain(async () => {
  const config = loadConfig(process.env);
  const database = await connectServiceDatabase(config, migrationsFolder);
  const { kafka, log: kafkaLog } = createServiceKafka(config, 'appointment');
  const { patients, doctors } = createPeerClients({
    patientUrl: config.PATIENT_GRPC_URL,
    doctorUrl: config.DOCTOR_GRPC_URL,
    deadlineMs: config.GRPC_DEADLINE_MS,
  });
  const app = await buildApp({ config, database, kafka, patients, doctors });
  kafkaLog.attach(app.log);
  await serve(app, config, patients, doctors, database);
});
