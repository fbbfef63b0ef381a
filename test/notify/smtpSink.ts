// A real SMTP server in-process (smtp-server) that parses every message it receives (mailparser).
import { SMTPServer } from 'smtp-server';
import type { SMTPServerDataStream } from 'smtp-server';
import { simpleParser } from 'mailparser';
import type { ParsedMail } from 'mailparser';
import type { AddressInfo } from 'node:net';

export interface SmtpSink {
  readonly url: string;
  readonly received: ParsedMail[];
  /** Called with each parsed message before the server answers 250; may delay or never answer. */
  onMessage: ((mail: ParsedMail) => Promise<void>) | null;
  waitFor(count: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/** Listens on `port` when given (a test that takes SMTP down and brings it back on the same address). */
export async function startSmtpSink(port = 0): Promise<SmtpSink> {
  const sink: SmtpSink = {
    url: '', received: [], onMessage: null,
    async waitFor(count, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      while (sink.received.length < count) {
        if (Date.now() > deadline) throw new Error(`SMTP sink: ${sink.received.length} of ${count} messages after ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  const server = new SMTPServer({
    authOptional: true, disabledCommands: ['STARTTLS', 'AUTH'], logger: false,
    onData(stream: SMTPServerDataStream, _session, callback) {
      simpleParser(stream).then(async (mail) => {
        sink.received.push(mail);
        if (sink.onMessage) await sink.onMessage(mail);
        callback();
      }).catch((error: unknown) => callback(error instanceof Error ? error : new Error(String(error))));
    },
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const address = server.server.address() as AddressInfo;
  (sink as { url: string }).url = `smtp://127.0.0.1:${address.port}`;
  return sink;
}
