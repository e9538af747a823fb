import { runMain, serve } from '@pms/platform/http';
import { buildApp } from './app.js';
import { loadConfig } from './config.js';

runMain(async () => {
  const config = loadConfig(process.env);
  const app = await buildApp({ config });
  await serve(app, config);
});
