import { closeOnSignals, connectDatabase, runMain } from '@pms/platform';
import { buildApp } from './app.js';
import { loadConfig } from './config.js';
import { migrationsFolder } from './db/migrations-folder.js';
import { createBillingClient } from './peers/billing-accounts.js';

runMain(async () => {
  const config = loadConfig(process.env);
  const database = await connectDatabase({
    url: config.DATABASE_URL,
    poolSize: config.DATABASE_POOL_SIZE,
    queryTimeoutMs: config.DATABASE_QUERY_TIMEOUT_MS,
    migrationsFolder,
    eventTables: true,
  });
  const billing = createBillingClient(config.BILLING_GRPC_URL, config.BILLING_DEADLINE_MS);
  const app = await buildApp({ config, database, billing });
  closeOnSignals(async () => {
    await app.close();
    billing.close();
    await database.close();
  }, app.log);
  await app.listen({ host: config.HOST, port: config.PORT });
});
