// An in-process SMTP server that accepts every message and keeps it as an .eml file, so the demo's
// alerts go through the real delivery path (outbox, nodemailer, SMTP) and can be opened in any mail
// client afterwards. Local use only: it listens on 127.0.0.1, without TLS or authentication.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { SMTPServer } from 'smtp-server';
import type { SMTPServerDataStream } from 'smtp-server';

export interface CaughtMail {
  readonly file: string;
  readonly subject: string;
  readonly bytes: number;
}

export interface MailCatcher {
  /** smtp://127.0.0.1:<port>, the SMTP_URL the mail worker sends to. */
  readonly url: string;
  /** Messages written so far, in arrival order. */
  readonly caught: readonly CaughtMail[];
  close(): Promise<void>;
}

// Messages of the demo are a few tens of kB (HTML with an inline forest plot).
const MAX_MESSAGE_BYTES = 10 * 1024 * 1024;

/** The Subject header of a raw message (first line only; folded continuations are joined). */
export function subjectOf(raw: string): string {
  const headerEnd = raw.search(/\r?\n\r?\n/);
  const headers = (headerEnd === -1 ? raw : raw.slice(0, headerEnd)).replace(/\r?\n[ \t]+/g, ' ');
  const match = /^subject:[ \t]*(.*)$/im.exec(headers);
  return match ? match[1].trim() : '';
}

/** A file name safe on every OS: the arrival number, then a slug of the subject. */
export function emlFileName(sequence: number, subject: string): string {
  const slug = subject.toLowerCase().replace(/=\?[^?]+\?[bq]\?[^?]*\?=/gi, 'encoded').replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60);
  return `${String(sequence).padStart(3, '0')}${slug ? `-${slug}` : ''}.eml`;
}

async function readStream(stream: SMTPServerDataStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Starts the catcher on a free port; every accepted message becomes `<dir>/<nnn>-<subject>.eml`. */
export async function startMailCatcher(dir: string): Promise<MailCatcher> {
  await fs.mkdir(dir, { recursive: true });
  const caught: CaughtMail[] = [];
  let received = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    size: MAX_MESSAGE_BYTES,
    logger: false,
    onData(stream, _session, callback) {
      readStream(stream).then(async (raw) => {
        if (stream.sizeExceeded) throw new Error('message exceeds the size limit');
        const subject = subjectOf(raw.toString('utf8'));
        // Numbered before the write, so two messages arriving together never share a number.
        const file = path.join(dir, emlFileName(++received, subject));
        await fs.writeFile(file, raw);
        caught.push({ file, subject, bytes: raw.length });
      }).then(() => callback(), (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))));
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  server.on('error', () => undefined);
  const address = server.server.address();
  if (address === null || typeof address === 'string') throw new Error('the SMTP catcher has no TCP address');
  return {
    url: `smtp://127.0.0.1:${address.port}`,
    caught,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
