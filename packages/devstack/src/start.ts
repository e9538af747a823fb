// `npm start`, infrastructure part: PostgreSQL, Kafka and the SMTP sink on fixed ports, data kept
// in .data/ between runs. Migrations, seeding and the services are still to be added here.
import { startDevstack } from './stack.js';

const stack = await startDevstack();
const t = stack.timings;
console.log(`PostgreSQL  ${stack.databaseUrl}  (${t.postgres} ms)
Kafka       ${stack.kafkaBrokers.join(',')}  (${t.kafka} ms)
SMTP        ${stack.smtp.host}:${stack.smtp.port}, mails at ${stack.smtp.apiUrl}/api/v1/messages
Data        ${stack.dataDir}
Ctrl-C stops everything.`);

let stopping = false;
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    if (stopping) return;
    stopping = true;
    console.log('\nstopping…');
    stack.stop().then(() => process.exit(0), (err: unknown) => {
      console.error(err);
      process.exit(1);
    });
  });
}
