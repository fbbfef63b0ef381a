import nodemailer from 'nodemailer';
import type { Transporter } from 'nodemailer';

/** An SMTP transport from SMTP_URL (e.g. smtp://127.0.0.1:1025). */
export function smtpTransport(smtpUrl: string): Transporter {
  return nodemailer.createTransport(smtpUrl);
}
