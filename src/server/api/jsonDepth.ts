// A JSON body's nesting, measured before JSON.parse: V8 parses a 10 MB `[[[[…` without overflowing,
// but spends seconds on it, blocking every other request. An events array is its events' depth + 1,
// so anything deeper than MAX_EVENT_DEPTH + 1 cannot hold a valid event and is refused unparsed.
import { MAX_EVENT_DEPTH } from '../../contract/index.ts';

export const MAX_BODY_DEPTH = MAX_EVENT_DEPTH + 1;

/** True when arrays/objects nest deeper than `limit` (brackets inside strings do not count). */
export function nestsDeeper(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > limit) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}
