import { connectServiceDatabase, createServiceKafka, runMain, serve } from '@pms/platform';
import { buildApp } from './app.js';
import { loadConfig } from './config.js';
import { migrationsFolder } from './db/migrations-folder.js';
import { createBillingClient } from './peers/billing-accounts.js';

runMain(async () => {
  const config = loadConfig(process.env);
  const database = await connectServiceDatabase(config, migrationsFolder);
  const { kafka, log: kafkaLog } = createServiceKafka(config, 'patient');
  const billing = createBillingClient(config.BILLING_GRPC_URL, config.BILLING_DEADLINE_MS);
  const app = await buildApp({ config, database, kafka, billing });
  kafkaLog.attach(app.log);
  await serve(app, config, billing, database);
});
