/**
 * Accounts in the Playwright journeys: the local user pool of the stack under test (its ids and
 * endpoint from the stack's amplify_outputs.json), and the Authenticator's sign-in and sign-up
 * forms as a shopper uses them.
 */
import { expect, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { signedFetch } from '../local/shared/sigv4.ts';
import { STACKS } from '../playwright.config.ts';

export const PASSWORD = 'Shopper#2026';
let created = 0;

/** A fresh e-mail address per call (tests run in parallel workers against one pool). */
export const newEmail = (what = 'shopper') => `${what}-${process.pid}-${Date.now()}-${++created}@example.com`;

function pool(stack: keyof typeof STACKS = 'ok') {
  const outputs = JSON.parse(readFileSync(path.join(STACKS[stack].dir, 'amplify_outputs.json'), 'utf8'));
  return { endpoint: outputs.custom.local.userPoolEndpoint as string, userPoolId: outputs.auth.user_pool_id as string };
}

/** An administrator's call: signed with the local stack's credentials, as an IAM caller's is in AWS. */
async function cognito(action: string, body: Record<string, unknown>, stack: keyof typeof STACKS = 'ok') {
  const response = await signedFetch(pool(stack).endpoint, action, body);
  const json = (await response.json()) as Record<string, unknown>;
  if (!response.ok) throw new Error(`${action}: ${JSON.stringify(json)}`);
  return json;
}

/** An account made by an administrator (as staff accounts are), ready to sign in. */
export async function createAccount(options: { staff?: boolean; stack?: keyof typeof STACKS; name?: string } = {}): Promise<string> {
  const email = newEmail(options.staff ? 'staff' : 'shopper');
  await adminCreateAccount(email, options.stack, options.name);
  const { userPoolId } = pool(options.stack);
  if (options.staff) await cognito('AdminAddUserToGroup', { UserPoolId: userPoolId, Username: email, GroupName: 'ADMINS' }, options.stack);
  return email;
}

/** Creates a confirmed account with a verified e-mail and the standard password. */
async function adminCreateAccount(email: string, stack?: keyof typeof STACKS, name?: string): Promise<void> {
  const { userPoolId } = pool(stack);
  await cognito(
    'AdminCreateUser',
    {
      UserPoolId: userPoolId,
      Username: email,
      MessageAction: 'SUPPRESS',
      UserAttributes: [
        { Name: 'email', Value: email },
        { Name: 'email_verified', Value: 'true' },
        ...(name ? [{ Name: 'name', Value: name }] : []),
      ],
    },
    stack,
  );
  await setPassword(email, stack);
}

const setPassword = (email: string, stack?: keyof typeof STACKS) =>
  cognito('AdminSetUserPassword', { UserPoolId: pool(stack).userPoolId, Username: email, Password: PASSWORD, Permanent: true }, stack);

/** Signs in with the Authenticator shown in place of the page's content. */
export async function signInInPlace(page: Page, email: string, password = PASSWORD): Promise<void> {
  const form = page.locator('[data-amplify-authenticator]');
  await expect(form).toBeVisible();
  await form.getByLabel('Email').fill(email);
  await form.getByLabel('Password', { exact: true }).fill(password);
  await form.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByTestId('account-email')).toHaveText(email);
}

/** Creates an account with the Authenticator, confirming it with the code e-mailed to the local outbox. */
export async function signUpInPlace(page: Page, email: string, name: string, mailboxUrl: string): Promise<void> {
  const form = page.locator('[data-amplify-authenticator]');
  await form.getByRole('tab', { name: 'Create Account' }).click();
  await form.getByLabel('Email').fill(email);
  await form.getByLabel('Name').fill(name);
  await form.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await form.getByLabel('Confirm Password').fill(PASSWORD);
  await form.getByRole('button', { name: 'Create Account' }).click();
  const codeField = form.getByLabel('Confirmation Code');
  await expect(codeField).toBeVisible();
  let code: string | undefined;
  await expect(async () => {
    const { messages } = (await (await fetch(mailboxUrl)).json()) as { messages: { to: string; text: string }[] };
    code = messages.map((m) => (m.to === email ? /verification code is (\d+)/.exec(m.text)?.[1] : undefined)).find(Boolean);
    expect(code).toBeTruthy();
  }).toPass({ timeout: 20_000 });
  await codeField.fill(code!);
  await form.getByRole('button', { name: 'Confirm' }).click();
  await expect(page.getByTestId('account-email')).toHaveText(email);
}

export const mailboxUrl = (stack: keyof typeof STACKS = 'ok') => `http://127.0.0.1:${STACKS[stack].apiPort}/_local/outbox`;

/**
 * An account with a fixed e-mail (e.g. for screenshots, where the header shows it), ready to sign
 * in with PASSWORD: created if the pool does not have it yet; creating it again is no error.
 */
export async function ensureAccount(email: string, options: { stack?: keyof typeof STACKS } = {}): Promise<string> {
  try {
    await adminCreateAccount(email, options.stack);
  } catch (error) {
    if (!/UsernameExists/.test(String(error))) throw error;
    await setPassword(email, options.stack);
  }
  return email;
}
