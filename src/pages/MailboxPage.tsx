/** Local mode only: the e-mails the pipeline sent (the local outbox), each with its recipient, as the customer would get them. */
import { Button, Card, Heading, Text } from '@aws-amplify/ui-react';
import { EmptyState, ErrorState, LoadingState, PageHeading } from '../components/common.tsx';
import { fetchMailbox } from '../lib/api.ts';
import { getConnection } from '../lib/config.ts';
import { href } from '../lib/router.ts';
import { useRemote } from '../lib/app-state.ts';

const formatDateTime = (iso: string) => new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeStyle: 'medium' }).format(new Date(iso));

function Messages() {
  const mailbox = useRemote((signal) => fetchMailbox({ signal }), 'mailbox');
  return (
    <>
      <Button onClick={mailbox.reload} isLoading={mailbox.status === 'loading'} loadingText="Refreshing…" marginBottom="medium">
        Refresh
      </Button>
      {mailbox.status === 'loading' && <LoadingState label="Loading the mailbox…" />}
      {mailbox.status === 'error' && <ErrorState title="We could not load the mailbox" error={mailbox.error} onRetry={mailbox.reload} />}
      {mailbox.status === 'success' &&
        (mailbox.data.length === 0 ? (
          <EmptyState title="No e-mails yet">
            <Text>An e-mail appears here when an order is paid, declined, shipped, delivered, cancelled or refunded, and for each account's verification code.</Text>
          </EmptyState>
        ) : (
          <ul className="mailbox">
            {mailbox.data.map((message) => (
              <li key={message.id}>
                <Card as="article" variation="outlined" aria-labelledby={`mail-${message.id}`} data-testid="mail">
                  <Heading level={2} id={`mail-${message.id}`} className="mail-subject">
                    {message.subject}
                  </Heading>
                  <Text fontSize="small" data-testid="mail-to">
                    To: {message.to}
                  </Text>
                  <Text fontSize="small" className="muted">
                    From: {message.from} · Sent <time dateTime={message.sentAt}>{formatDateTime(message.sentAt)}</time> ·{' '}
                    {message.orderId ? (
                      <>
                        order <a href={href.order(message.orderId)}>{message.orderId}</a>
                      </>
                    ) : (
                      'account'
                    )}
                  </Text>
                  {/* The text part; its link to the order page is plain text, as a mail client would show it. */}
                  <pre className="mail-body">{message.text}</pre>
                </Card>
              </li>
            ))}
          </ul>
        ))}
    </>
  );
}

export default function MailboxPage() {
  return (
    <>
      <PageHeading title="Mailbox">Mailbox</PageHeading>
      <Text className="muted">Local development only: the e-mails the order pipeline sent, newest first.</Text>
      {getConnection().hasMailbox ? (
        <Messages />
      ) : (
        <EmptyState title="No mailbox here">
          <Text>The mailbox exists only on the local stack (`npm start`); in AWS, each customer's e-mails go out through Amazon SES.</Text>
        </EmptyState>
      )}
    </>
  );
}
