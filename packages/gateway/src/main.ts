import { closeOnSignals, runMain } from '@pms/platform';
import { buildApp } from './app.js';
import { loadConfig } from './config.js';

runMain(async () => {
  const config = loadConfig(process.env);
  const app = await buildApp({ config });
  closeOnSignals(() => app.close(), app.log);
  await app.listen({ host: config.HOST, port: config.PORT });
});
