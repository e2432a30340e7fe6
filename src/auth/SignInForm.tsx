/**
 * Amplify UI's Authenticator (sign in, create an account, confirm the e-mail with its code),
 * loaded on demand. It signs in with USER_PASSWORD_AUTH (SIGN_IN_FLOW), in the cloud and against
 * the local user pool alike (cognito-local has no SRP); the password goes to Cognito over TLS in
 * AWS. After sign-up, Amplify signs in with the same flow.
 */
import '@aws-amplify/ui-react/styles/authenticator.css';
import '@aws-amplify/ui-react/styles/tabs.css';
import '@aws-amplify/ui-react/styles/passwordField.css';
import '@aws-amplify/ui-react/styles/fieldGroup.css';
import '@aws-amplify/ui-react/styles/fieldset.css';
import '@aws-amplify/ui-react/styles/link.css';
import { Authenticator } from '@aws-amplify/ui-react';
import { signIn, signUp, type SignInInput, type SignUpInput } from 'aws-amplify/auth';
import { SIGN_IN_FLOW } from '../../amplify/domain/auth.ts';

type Services = NonNullable<Parameters<typeof Authenticator>[0]['services']>;

const services = {
  handleSignIn: (input: SignInInput) => signIn({ ...input, options: { ...input.options, authFlowType: SIGN_IN_FLOW } }),
  handleSignUp: (input: SignUpInput) =>
    signUp({
      ...input,
      options: { ...input.options, userAttributes: input.options?.userAttributes ?? {}, autoSignIn: { authFlowType: SIGN_IN_FLOW } },
    }),
} as Services;

export default function SignInForm() {
  return <Authenticator services={services} signUpAttributes={['name']} loginMechanisms={['email']} />;
}
