/**
 * Staff powers come from the user pool, not from the ID token alone: a token says what its owner
 * was when it was issued (up to `TOKEN_LIFETIMES.idTokenMinutes` ago). The claims' `ADMINS` group
 * is confirmed against the pool (still a member, still enabled, and where required TOTP set up),
 * remembered per instance for `STAFF_CHECK.cacheSeconds`.
 */
import { STAFF_GROUP } from '../domain/auth.ts';
import type { Accounts } from './ports.ts';

export type StaffConfirmation = (sub: string) => Promise<boolean>;

export function staffConfirmation(
  accounts: Pick<Accounts, 'get'>,
  options: { mfaRequired: boolean; cacheSeconds: number; now?: () => number },
): StaffConfirmation {
  const now = options.now ?? Date.now;
  const known = new Map<string, { staff: boolean; until: number }>();
  return async (sub) => {
    const cached = known.get(sub);
    if (cached && now() < cached.until) return cached.staff;
    const account = await accounts.get(sub);
    const staff = account !== undefined && account.enabled && account.groups.includes(STAFF_GROUP) && (!options.mfaRequired || account.totp);
    if (known.size >= 1000) known.delete(known.keys().next().value!);
    known.set(sub, { staff, until: now() + options.cacheSeconds * 1000 });
    return staff;
  };
}
