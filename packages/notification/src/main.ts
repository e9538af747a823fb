import { connectServiceDatabase, createServiceKafka, deferredLogger, runMain, serve } from '@pms/platform';
import { buildApp } from './app.js';
import { loadConfig } from './config.js';
import { migrationsFolder } from './db/migrations-folder.js';
import { createLogSmsSender, createWebhookSmsSender } from './transports/sms.js';
import { createSmtpSender } from './transports/smtp.js';

runMain(async () => {
  const config = loadConfig(process.env);
  const database = await connectServiceDatabase(config, migrationsFolder);
  // Both log through the service's logger, which buildApp makes: attached below.
  const { kafka, log: kafkaLog } = createServiceKafka(config, 'notification');
  const smsLog = deferredLogger();
  const email = createSmtpSender({
    host: config.SMTP_HOST,
    port: config.SMTP_PORT,
    secure: config.SMTP_SECURE,
    from: config.SMTP_FROM,
    user: config.SMTP_USER,
    password: config.SMTP_PASSWORD,
    maxConnections: config.NOTIFICATION_CONCURRENCY,
  });
  const sms = config.SMS_WEBHOOK_URL
    ? createWebhookSmsSender(config.SMS_WEBHOOK_URL)
    : createLogSmsSender(smsLog);

  const app = await buildApp({ config, database, kafka, channels: { email, sms } });
  kafkaLog.attach(app.log.child({ component: 'kafka' }));
  smsLog.attach(app.log.child({ component: 'sms' }));
  await serve(app, config, email, database);
});
