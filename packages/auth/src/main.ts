import { closeOnSignals, connectDatabase, runMain } from '@pms/platform';
import { buildApp } from './app.js';
import { loadConfig } from './config.js';
import { migrationsFolder } from './db/migrations-folder.js';
import { loadSigningKey } from './signing-key-source.js';

runMain(async () => {
  const config = loadConfig(process.env);
  const { key: signingKey, source } = await loadSigningKey(config);
  const database = await connectDatabase({
    url: config.DATABASE_URL,
    poolSize: config.DATABASE_POOL_SIZE,
    queryTimeoutMs: config.DATABASE_QUERY_TIMEOUT_MS,
    migrationsFolder,
    eventTables: true,
  });
  const app = await buildApp({ config, database, signingKey });
  closeOnSignals(async () => {
    await app.close();
    await database.close();
  }, app.log);
  app.log.info({ kid: signingKey.kid, source }, 'access tokens signed with this key');
  await app.listen({ host: config.HOST, port: config.PORT });
});
