/**
 * The signed-in customer's data rights: download everything the store keeps about them
 * (`GET /me/export`, a JSON file) or delete the account (`DELETE /me`, after a typed confirmation:
 * the orders keep items and amounts for the shop's books, without name, e-mail or address).
 */
import { Alert, Button, Flex, Heading, Text, TextField } from '@aws-amplify/ui-react';
import { useState } from 'react';
import type { Account } from '../auth/account.ts';
import { signOut } from '../auth/account.ts';
import { PageHeading } from '../components/common.tsx';
import { deleteMyAccount, exportMyData } from '../lib/api.ts';
import { href, navigate } from '../lib/router.ts';

/** What the customer types to confirm the deletion. */
export const DELETE_CONFIRMATION = 'DELETE';

/** Fetches everything the store keeps about the customer and saves it as my-data.json. */
async function saveMyData() {
  const data = await exportMyData();
  const url = URL.createObjectURL(new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' }));
  const link = Object.assign(document.createElement('a'), { href: url, download: 'my-data.json' });
  link.click();
  URL.revokeObjectURL(url);
}

/** "Your data": what the download holds, and its button. */
function ExportSection({ onDownload, exporting }: { onDownload: () => void; exporting: boolean }) {
  return (
    <section aria-labelledby="export-heading">
      <Heading level={2} id="export-heading">
        Your data
      </Heading>
      <Text>Download your account details and every order you placed, as a JSON file.</Text>
      <Button onClick={onDownload} isLoading={exporting} loadingText="Preparing…">
        Download my data
      </Button>
    </section>
  );
}

export default function AccountPage({ account }: { account: Account }) {
  const [busy, setBusy] = useState<'export' | 'delete' | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [confirming, setConfirming] = useState(false);
  const [typed, setTyped] = useState('');

  const download = async () => {
    setBusy('export');
    setError(undefined);
    try {
      await saveMyData();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(undefined);
    }
  };

  const remove = async () => {
    setBusy('delete');
    setError(undefined);
    try {
      await deleteMyAccount();
      await signOut();
      navigate(href.catalog());
    } catch (e) {
      setError((e as Error).message);
      setBusy(undefined);
    }
  };

  return (
    <>
      <PageHeading title="Your account">Your account</PageHeading>
      <Text data-testid="account-page-email">Signed in as {account.email}</Text>
      {error && (
        <Alert variation="error" role="alert">
          {error}
        </Alert>
      )}
      <ExportSection onDownload={download} exporting={busy === 'export'} />
      <section aria-labelledby="delete-heading">
        <Heading level={2} id="delete-heading">
          Delete account
        </Heading>
        <Text>
          Deleting your account signs you out for good. Your orders stay in the shop's books with their items, amounts and dates, but without your
          name, e-mail or address. This cannot be undone.
        </Text>
        {!confirming ? (
          <Button variation="destructive" onClick={() => setConfirming(true)}>
            Delete my account…
          </Button>
        ) : (
          <Flex direction="column" gap="small" as="form" onSubmit={(event) => { event.preventDefault(); void remove(); }}>
            <TextField
              label={`Type ${DELETE_CONFIRMATION} to confirm`}
              value={typed}
              onChange={(event) => setTyped(event.target.value)}
              autoComplete="off"
            />
            <Flex gap="small">
              <Button type="submit" variation="destructive" isDisabled={typed !== DELETE_CONFIRMATION} isLoading={busy === 'delete'} loadingText="Deleting…">
                Delete my account
              </Button>
              <Button onClick={() => { setConfirming(false); setTyped(''); }}>Cancel</Button>
            </Flex>
          </Flex>
        )}
      </section>
    </>
  );
}
