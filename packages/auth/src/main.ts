import { connectServiceDatabase, createServiceKafka, runMain, serve } from '@pms/platform';
import { buildApp } from './app.js';
import { loadConfig } from './config.js';
import { migrationsFolder } from './db/migrations-folder.js';
import { loadSigningKey } from './signing-key-source.js';

runMain(async () => {
  const config = loadConfig(process.env);
  const { key: signingKey, source } = await loadSigningKey(config);
  const database = await connectServiceDatabase(config, migrationsFolder);
  const { kafka, log: kafkaLog } = createServiceKafka(config, 'auth');
  const app = await buildApp({ config, database, kafka, signingKey });
  kafkaLog.attach(app.log);
  app.log.info({ kid: signingKey.kid, source }, 'access tokens signed with this key');
  await serve(app, config, database);
});
