/** Local mode only: the e-mails the pipeline sent (the local outbox), as the customer would get them. */
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
            <Text>An e-mail appears here when an order has been shipped and the customer notified.</Text>
          </EmptyState>
        ) : (
          <ul className="mailbox">
            {mailbox.data.map((message) => (
              <li key={message.id}>
                <Card as="article" variation="outlined" aria-labelledby={`mail-${message.id}`} data-testid="mail">
                  <Heading level={2} id={`mail-${message.id}`} className="mail-subject">
                    {message.subject}
                  </Heading>
                  <Text fontSize="small" className="muted">
                    Sent <time dateTime={message.sentAt}>{formatDateTime(message.sentAt)}</time> ·{' '}
                    {message.orderId ? (
                      <>
                        order <a href={href.order(message.orderId)}>{message.orderId}</a>
                      </>
                    ) : (
                      'account'
                    )}
                  </Text>
                  <pre className="mail-body">{message.body}</pre>
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
          <Text>The mailbox exists only on the local stack (`npm start`); in AWS, e-mails go out through SNS.</Text>
        </EmptyState>
      )}
    </>
  );
}
