import { connectServiceDatabase, createServiceKafka, runMain, serve } from '@pms/platform';
import { buildApp } from './app.js';
import { loadConfig } from './config.js';
import { migrationsFolder } from './db/migrations-folder.js';
import { seedDemoDoctors } from './domain/demo-doctors.js';

runMain(async () => {
  const config = loadConfig(process.env);
  const database = await connectServiceDatabase(config, migrationsFolder);
  const { kafka, log: kafkaLog } = createServiceKafka(config, 'doctor');
  const app = await buildApp({ config, database, kafka });
  kafkaLog.attach(app.log);
  if (config.SEED_DEMO_DATA) app.log.info(await seedDemoDoctors({ db: database.db }), 'demo doctors');
  await serve(app, config, database);
});
