/** Staff powers come from the pool (amplify/server/staff.ts): group, enabled, TOTP where required, cached. */
import { describe, expect, it } from 'vitest';
import { STAFF_GROUP } from '../../amplify/domain/auth.ts';
import type { Account } from '../../amplify/server/ports.ts';
import { staffConfirmation } from '../../amplify/server/staff.ts';

const staffAccount = (overrides: Partial<Account> = {}): Account => ({ sub: 's1', attributes: {}, enabled: true, totp: true, groups: [STAFF_GROUP], ...overrides });

describe('staff confirmation', () => {
  it('needs the group, an enabled account and (where required) TOTP', async () => {
    const cases: [Account | undefined, boolean, boolean][] = [
      [staffAccount(), true, true],
      [staffAccount({ totp: false }), true, false],
      [staffAccount({ totp: false }), false, true],
      [staffAccount({ enabled: false }), false, false],
      [staffAccount({ groups: ['other'] }), false, false],
      [undefined, false, false],
    ];
    for (const [account, mfaRequired, expected] of cases) {
      const confirm = staffConfirmation({ get: async () => account }, { mfaRequired, cacheSeconds: 60 });
      expect(await confirm('s1'), JSON.stringify({ account, mfaRequired })).toBe(expected);
    }
  });

  it('asks the pool again once the cache expires: a removed staff member loses powers within cacheSeconds', async () => {
    let clock = 0;
    let account: Account | undefined = staffAccount();
    let asked = 0;
    const confirm = staffConfirmation({ get: async () => (asked++, account) }, { mfaRequired: true, cacheSeconds: 60, now: () => clock });
    expect(await confirm('s1')).toBe(true);
    account = staffAccount({ groups: [] });
    clock = 59_999;
    expect(await confirm('s1')).toBe(true);
    expect(asked).toBe(1);
    clock = 60_000;
    expect(await confirm('s1')).toBe(false);
    expect(asked).toBe(2);
  });
});
