// One gateway process for bench/gateway-cost.ts, built from the environment like main.ts and run
// compiled, as in production (`npm run build` first; plain JS so no loader adds to its memory).
// It reports its port once listening, and its CPU time and memory whenever the parent asks.
import { buildApp } from '../packages/gateway/dist/app.js';
import { loadConfig } from '../packages/gateway/dist/config.js';

const app = await buildApp({ config: loadConfig(process.env) });
await app.listen({ host: '127.0.0.1', port: 0 });
process.send({ port: app.server.address().port });
process.on('message', (message) => {
  if (message === 'usage') process.send({ cpu: process.cpuUsage(), rss: process.memoryUsage.rss() });
  if (message === 'stop') void app.close().then(() => process.exit(0));
});
