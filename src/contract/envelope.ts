// Size and nesting limits, checked before any expensive work. A valid event is at most two levels
// deep (event → baseline, event → sites) and well under 2 KiB, so the limits leave producers ample
// room while a 1 MB payload or a 100,000-level array is refused in time linear in what was read.

export const MAX_EVENT_BYTES = 64 * 1024;
export const MAX_EVENT_DEPTH = 8;

export type EnvelopeCheck = { ok: true } | { ok: false; reason: string };
export type EnvelopeParse = { ok: true; value: unknown } | { ok: false; reason: string };

const tooLarge = (bytes?: number): EnvelopeCheck => ({
  ok: false,
  reason: bytes === undefined
    ? `event is larger than the ${MAX_EVENT_BYTES}-byte limit`
    : `event is ${bytes} bytes, more than the ${MAX_EVENT_BYTES}-byte limit`,
});
const tooDeep: EnvelopeCheck = { ok: false, reason: `event nests deeper than ${MAX_EVENT_DEPTH} levels` };

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

/** UTF-8 length, stopping early once it is known to exceed `limit`. */
function utf8LengthUpTo(text: string, limit: number): number {
  // Every UTF-16 code unit needs at least one UTF-8 byte, so a long string is over the limit unread.
  if (text.length > limit) return text.length;
  // ...and at most three (a surrogate pair: two units, four bytes), so a short one is within it
  // unread: every event a producer sends (under 2 KiB) takes this path.
  if (text.length * 3 <= limit) return text.length;
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) { bytes += 4; i++; }
    else bytes += 3;
  }
  return bytes;
}

/**
 * Checks the raw text of one event (a queue message or an NDJSON line) before JSON.parse: at most
 * MAX_EVENT_BYTES of UTF-8 and at most MAX_EVENT_DEPTH nested arrays/objects (brackets inside strings
 * do not count).
 */
export function checkEnvelope(rawText: string): EnvelopeCheck {
  const bytes = utf8LengthUpTo(rawText, MAX_EVENT_BYTES);
  if (bytes > MAX_EVENT_BYTES) return tooLarge(rawText.length > MAX_EVENT_BYTES ? undefined : bytes);
  let depth = 0;
  let inString = false;
  // Char codes rather than one-character strings: this runs over every byte a producer sends.
  for (let i = 0; i < rawText.length; i++) {
    const c = rawText.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) inString = true;
    else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++depth > MAX_EVENT_DEPTH) return tooDeep;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) depth--;
  }
  return { ok: true };
}

/** checkEnvelope, then JSON.parse with a one-line reason for text that is not JSON. */
export function parseEnvelope(rawText: string): EnvelopeParse {
  const check = checkEnvelope(rawText);
  if (!check.ok) return check;
  try {
    return { ok: true, value: JSON.parse(rawText) as unknown };
  } catch (error) {
    return { ok: false, reason: `not JSON: ${error instanceof Error ? error.message : String(error)}` };
  }
}

/**
 * The same limits for an already-parsed value (the worker receives job data parsed by BullMQ):
 * an iterative walk (no recursion, so no stack overflow) that estimates the JSON size and stops as
 * soon as a limit is passed. `byteLength`, when the caller knows it, is checked first.
 */
export function checkShape(value: unknown, byteLength?: number): EnvelopeCheck {
  if (byteLength !== undefined && byteLength > MAX_EVENT_BYTES) return tooLarge(byteLength);
  const stack: { value: unknown; depth: number }[] = [{ value, depth: 0 }];
  let estimatedBytes = 0;
  while (stack.length > 0) {
    const next = stack.pop();
    if (next === undefined) break;
    const current = next.value;
    if (typeof current === 'string') estimatedBytes += current.length + 2;
    else if (typeof current !== 'object' || current === null) estimatedBytes += 5;
    else {
      if (next.depth + 1 > MAX_EVENT_DEPTH) return tooDeep;
      estimatedBytes += 2;
      if (Array.isArray(current)) {
        for (const item of current as unknown[]) {
          stack.push({ value: item, depth: next.depth + 1 });
          if (++estimatedBytes > MAX_EVENT_BYTES) return tooLarge();
        }
      } else {
        const record = current as Record<string, unknown>;
        for (const key in record) {
          if (!Object.hasOwn(record, key)) continue;
          estimatedBytes += key.length + 3;
          stack.push({ value: record[key], depth: next.depth + 1 });
          if (estimatedBytes > MAX_EVENT_BYTES) return tooLarge();
        }
      }
    }
    if (estimatedBytes > MAX_EVENT_BYTES) return tooLarge();
  }
  return { ok: true };
}
