/** The header's "Sign in": the form, then back to the page the shopper was on (`next`). */
import { useEffect } from 'react';
import { SignInGate } from '../auth/SignInGate.tsx';
import { LoadingState } from '../components/common.tsx';

function Return({ to }: { to: string }) {
  useEffect(() => {
    // In place of the sign-in entry: Back then goes to where the shopper was before.
    window.location.replace(to);
  }, [to]);
  return <LoadingState label="Signed in. Taking you back…" />;
}

export default function SignInPage({ next }: { next: string }) {
  return (
    <SignInGate title="Sign in" reason="Sign in or create an account. You come back to the page you were on.">
      {() => <Return to={next} />}
    </SignInGate>
  );
}
