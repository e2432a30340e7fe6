/**
 * Shows its children to a signed-in shopper; asks anyone else to sign in or create an account
 * right here (the page, and the cart, stay as they are). The Authenticator is loaded only then.
 * Where a guest may go on too: `guest` is shown to them instead (a guest order they hold the link
 * of), or `guestChoice` is offered beside the sign-in (checkout: "Continue as guest").
 */
import { Button, Text } from '@aws-amplify/ui-react';
import { lazy, Suspense, type ReactNode } from 'react';
import { LoadingState, PageHeading, PageNotFound } from '../components/common.tsx';
import { useAccountState, type Account } from './account.ts';

const SignInForm = lazy(() => import('./SignInForm.tsx'));

export interface SignInGateProps {
  title?: string;
  reason: string;
  children: (account: Account) => ReactNode;
  guest?: ReactNode;
  guestChoice?: { label: string; description: string; onChoose: () => void };
}

export function SignInGate({ title, reason, children, guest, guestChoice }: SignInGateProps) {
  const state = useAccountState();
  if (state.status === 'loading') return <LoadingState label="Checking your account…" />;
  if (state.status === 'signedIn') return <>{children(state.account)}</>;
  if (guest) return <>{guest}</>;
  return (
    <section className="sign-in-gate" aria-label="Sign in">
      {title && <PageHeading title={title}>{title}</PageHeading>}
      <Text as="p">{reason}</Text>
      {guestChoice && (
        <div className="guest-choice">
          <Button variation="primary" onClick={guestChoice.onChoose}>
            {guestChoice.label}
          </Button>
          <Text as="p" fontSize="small" className="muted">
            {guestChoice.description}
          </Text>
        </div>
      )}
      <Suspense fallback={<LoadingState label="Loading sign-in…" />}>
        <SignInForm />
      </Suspense>
    </section>
  );
}

/**
 * A staff page: signed-in staff see it; a customer gets the not-found page (nothing says it exists),
 * with `back` as the way out; anyone signed out is asked to sign in.
 */
export function StaffGate({ title, reason, back, children }: { title: string; reason: string; back: ReactNode; children: () => ReactNode }) {
  return (
    <SignInGate title={title} reason={reason}>
      {(account) => (account.isStaff ? children() : <PageNotFound back={back} />)}
    </SignInGate>
  );
}
