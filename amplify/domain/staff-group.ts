/** Cognito group of the store's staff: they see and filter every order (re-exported by auth.ts). Imports nothing: the live channels' APPSYNC_JS handler bundles it. */
export const STAFF_GROUP = 'ADMINS';
