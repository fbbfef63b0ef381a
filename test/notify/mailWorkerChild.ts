// A mail worker in its own process, so a test can SIGKILL it in the middle of an SMTP delivery.
// env: DATABASE_URL, REDIS_URL, QUEUE_PREFIX, SMTP_URL, ALERT_FROM.
import { Worker } from 'bullmq';
import { connect } from '../../src/db/connect.ts';
import { MAIL_QUEUE } from '../../src/jobs/analysisQueues.ts';
import { deliverOutboxMail } from '../../src/notify/deliverOutbox.ts';
import { smtpTransport } from '../../src/notify/transport.ts';

const env = (name: string) => process.env[name] ?? '';
const db = connect(env('DATABASE_URL'));
const transport = smtpTransport(env('SMTP_URL'));
new Worker<{ outboxId: number }>(MAIL_QUEUE, (job) => deliverOutboxMail(db, transport, env('ALERT_FROM'), job.data.outboxId), {
  connection: { url: env('REDIS_URL'), maxRetriesPerRequest: null }, prefix: env('QUEUE_PREFIX'), lockDuration: 2000,
});
process.stdout.write('ready\n');
