import { describe, expect, it } from 'vitest';
import { API_NAME } from '../../amplify/domain/api.ts';
import { connectionFrom } from './config.ts';

const outputs = (custom: Record<string, unknown>) => ({ version: '1.4', custom: { API: { [API_NAME]: { endpoint: 'https://abc.execute-api.us-east-1.amazonaws.com/prod/' } }, ...custom } });

describe('connection', () => {
  it('shows the Mailbox only when the local runtime serves it from this machine', () => {
    expect(connectionFrom(outputs({})).hasMailbox).toBe(false);
    expect(connectionFrom(outputs({ localMailbox: 'http://127.0.0.1:4010/_local/outbox' })).hasMailbox).toBe(true);
    expect(connectionFrom(outputs({ localMailbox: 'https://mail.example.com/outbox' })).hasMailbox).toBe(false);
    expect(connectionFrom(outputs({ localMailbox: 'not a url' })).hasMailbox).toBe(false);
    expect(connectionFrom(null)).toMatchObject({ connected: false, hasMailbox: false });
  });
});
