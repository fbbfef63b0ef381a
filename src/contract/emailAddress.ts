// The one rule for an e-mail address a person signs with: dashboard accounts (users table) and the
// `by` of a signal action (signal_events) accept the same addresses, so an account that can log in
// can always act on a signal. Deliberately simpler than RFC 5322: no quoted local parts, no comments,
// nothing that splits an address list in a mail header (, ;) or quotes its way out of an HTML
// attribute (< > " ' `). The domain is one or more dot-separated labels (RFC 5321 §2.3.5), so a single label
// (user@localhost, an intranet host) is an address too.

const ADDRESS = /^[^\s@<>"'`,;()[\]\\]{1,64}@[a-z0-9](?:[a-z0-9-]{0,62})(?:\.[a-z0-9](?:[a-z0-9-]{0,62}))*$/;
/** RFC 5321 §4.5.3.1.3: a path is at most 256 octets, the address at most 254 of them. */
const MAX_LENGTH = 254;

/** The canonical form (trimmed, lower case) of an address, or null when it is not one. */
export function canonicalEmailAddress(raw: string): string | null {
  const address = raw.trim().toLowerCase();
  return address.length <= MAX_LENGTH && ADDRESS.test(address) ? address : null;
}
