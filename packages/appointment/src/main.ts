import { closeOnSignals, connectDatabase, runMain } from '@pms/platform';
import { buildApp } from './app.js';
import { loadConfig } from './config.js';
import { migrationsFolder } from './db/migrations-folder.js';
import { createPeerClients } from './peers/grpc-peers.js';

runMain(async () => {
  const config = loadConfig(process.env);
  const database = await connectDatabase({
    url: config.DATABASE_URL,
    poolSize: config.DATABASE_POOL_SIZE,
    queryTimeoutMs: config.DATABASE_QUERY_TIMEOUT_MS,
    migrationsFolder,
    eventTables: true,
  });
  const { patients, doctors } = createPeerClients({
    patientUrl: config.PATIENT_GRPC_URL,
    doctorUrl: config.DOCTOR_GRPC_URL,
    deadlineMs: config.GRPC_DEADLINE_MS,
  });
  const app = await buildApp({ config, database, patients, doctors });
  closeOnSignals(async () => {
    await app.close();
    patients.close();
    doctors.close();
    await database.close();
  }, app.log);
  await app.listen({ host: config.HOST, port: config.PORT });
});
