/**
 * Shows its children to a signed-in shopper; asks anyone else to sign in or create an account
 * right here (the page, and the cart, stay as they are). The Authenticator is loaded only then.
 */
import { Text } from '@aws-amplify/ui-react';
import { lazy, Suspense, type ReactNode } from 'react';
import { LoadingState, PageHeading } from '../components/common.tsx';
import { useAccountState, type Account } from './account.ts';

const SignInForm = lazy(() => import('./SignInForm.tsx'));

export function SignInGate({ title, reason, children }: { title?: string; reason: string; children: (account: Account) => ReactNode }) {
  const state = useAccountState();
  if (state.status === 'loading') return <LoadingState label="Checking your account…" />;
  if (state.status === 'signedIn') return <>{children(state.account)}</>;
  return (
    <section className="sign-in-gate" aria-label="Sign in">
      {title && <PageHeading title={title}>{title}</PageHeading>}
      <Text as="p">{reason}</Text>
      <Suspense fallback={<LoadingState label="Loading sign-in…" />}>
        <SignInForm />
      </Suspense>
    </section>
  );
}
