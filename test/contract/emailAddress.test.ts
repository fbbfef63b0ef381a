// One address rule for accounts and signal actions: what `users add` accepts, a signal action by that
// account accepts too (user@localhost included), and both refuse the same hostile strings.
import { describe, expect, it } from 'vitest';
import { canonicalEmailAddress } from '../../src/contract/emailAddress.ts';
import { normaliseEmail, UserInputError } from '../../src/server/security/users.ts';

const ACCEPTED: readonly [string, string][] = [
  ['user@localhost', 'user@localhost'],
  ['  Jane.Doe+dsmb@Example.ORG ', 'jane.doe+dsmb@example.org'],
  ['ops@stats-unit', 'ops@stats-unit'],
  ['a@b.c.d-e', 'a@b.c.d-e'],
];
const REFUSED: readonly string[] = [
  '', 'user', '@localhost', 'user@', 'a@b@c', 'user @localhost', 'user@local host',
  'a@x.org,evil@y.org', 'a@x.org;evil', 'a,b@x.org', '"quoted"@x.org', "o'brien@x.org", '<a@x.org>', 'a@x.org>',
  'a@-x.org', 'a@x..org', 'a@x.org.', 'a@x_y.org', `${'a'.repeat(65)}@x.org`, `a@${'b'.repeat(64)}.org`, `a@${'b.'.repeat(130)}org`,
  'a@x.org\r\nBcc: evil@y.org',
];

describe('the e-mail address rule shared by accounts and signal actions', () => {
  it('accepts single-label domains and canonicalises (trim, lower case)', () => {
    for (const [raw, canonical] of ACCEPTED) {
      expect(canonicalEmailAddress(raw), raw).toBe(canonical);
      expect(normaliseEmail(raw), raw).toBe(canonical);
    }
  });

  it('refuses the same strings for an account and for a signal action', () => {
    for (const raw of REFUSED) {
      expect(canonicalEmailAddress(raw), raw).toBeNull();
      expect(() => normaliseEmail(raw), raw).toThrow(UserInputError);
    }
  });
});
