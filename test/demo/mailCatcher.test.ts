import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emlFileName, startMailCatcher, subjectOf } from '../../src/demo/mailCatcher.ts';
import type { MailCatcher } from '../../src/demo/mailCatcher.ts';

describe('the SMTP catcher', () => {
  let dir: string;
  let catcher: MailCatcher;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'cw-demo-mail-'));
    catcher = await startMailCatcher(path.join(dir, 'mail'));
  });
  afterAll(async () => {
    await catcher.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps every message nodemailer sends as an .eml file a mail parser reads back', async () => {
    const transport = nodemailer.createTransport(catcher.url);
    await transport.sendMail({ from: 'a@registry.example', to: 'b@registry.example', subject: 'Boundary crossed: PORT PFS in group 1', text: 'HR 0.52', messageId: '<look-7@cohortwatch>' });
    await transport.sendMail({ from: 'a@registry.example', to: 'c@registry.example', subject: 'Second', html: '<p>two</p>' });
    transport.close();
    const files = (await readdir(path.join(dir, 'mail'))).sort();
    expect(files).toEqual(['001-boundary-crossed-port-pfs-in-group-1.eml', '002-second.eml']);
    const parsed = await simpleParser(await readFile(path.join(dir, 'mail', files[0])));
    expect(parsed.subject).toBe('Boundary crossed: PORT PFS in group 1');
    expect(parsed.messageId).toBe('<look-7@cohortwatch>');
    expect(parsed.text?.trim()).toBe('HR 0.52');
    expect(catcher.caught.map((m) => m.subject)).toEqual(['Boundary crossed: PORT PFS in group 1', 'Second']);
  });

  it('names files safely whatever the subject', () => {
    expect(emlFileName(3, '../../etc/passwd')).toBe('003-etc-passwd.eml');
    expect(emlFileName(12, '')).toBe('012.eml');
    expect(subjectOf('From: x\r\nSubject: a\r\n  folded\r\n\r\nSubject: body')).toBe('a folded');
  });
});
