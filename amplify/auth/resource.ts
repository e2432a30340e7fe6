/**
 * The store's accounts (Amplify Gen 2 `defineAuth`): customers sign in with their e-mail address,
 * which Cognito verifies with a code at sign-up; staff are the members of `STAFF_GROUP`. The API's
 * Cognito authorizer trusts this pool (amplify/cloud/orders-cloud.ts). Locally, cognito-local
 * plays this pool (local/cognito.ts).
 */
import { defineAuth } from '@aws-amplify/backend';
import { STAFF_GROUP } from '../domain/auth.ts';

export const auth = defineAuth({
  loginWith: {
    email: {
      verificationEmailStyle: 'CODE',
      verificationEmailSubject: 'Your verification code',
      verificationEmailBody: (createCode) => `Your verification code is ${createCode()}.`,
    },
  },
  groups: [STAFF_GROUP],
});
