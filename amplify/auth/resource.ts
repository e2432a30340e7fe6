/**
 * The store's accounts (Amplify Gen 2 `defineAuth`): customers sign in with their e-mail address,
 * which Cognito verifies with a code at sign-up; staff are the members of `STAFF_GROUP`. The API's
 * Cognito authorizer trusts this pool (amplify/cloud/orders-cloud.ts). Locally, cognito-local
 * plays this pool (local/cognito/cognito.ts).
 */
import { defineAuth } from '@aws-amplify/backend';
import { SAVED_CHECKOUT, STAFF_GROUP } from '../domain/auth.ts';

export const auth = defineAuth({
  loginWith: {
    email: {
      verificationEmailStyle: 'CODE',
      verificationEmailSubject: 'Your verification code',
      verificationEmailBody: (createCode) => `Your verification code is ${createCode()}.`,
    },
  },
  // The saved checkout details (name, address, payment method of the last order), read and written by
  // the signed-in customer from the storefront (SAVED_CHECKOUT).
  userAttributes: {
    [SAVED_CHECKOUT.attribute]: { dataType: 'String', mutable: true, maxLen: SAVED_CHECKOUT.maxLength },
  },
  groups: [STAFF_GROUP],
  // Staff need a second factor (TOTP, an authenticator app): optional for the pool, since customers
  // sign in with a password alone; app-server grants staff powers only to a member of STAFF_GROUP
  // with TOTP set up (amplify/server/aws/cognito-accounts.ts). Lite has TOTP; e-mail MFA would need Essentials.
  multifactor: { mode: 'OPTIONAL', totp: true },
});
