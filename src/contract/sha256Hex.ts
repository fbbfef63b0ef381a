// SHA-256 of a string, as lowercase hex. Every event is hashed two or three times on its way in (its
// job id, its payload in `ingest` and again in the worker), so the one-shot crypto.hash (Node 20.12+)
// is used where it exists: about half the cost of createHash().update().digest() for a short string,
// which allocates a Hash object per call. Same digest either way.
import * as crypto from 'node:crypto';

type OneShot = (algorithm: string, data: string, encoding: 'hex') => string;

const oneShot = (crypto as { hash?: OneShot }).hash;

export const sha256Hex: (text: string) => string = typeof oneShot === 'function'
  ? (text) => oneShot('sha256', text, 'hex')
  : (text) => crypto.createHash('sha256').update(text, 'utf8').digest('hex');
