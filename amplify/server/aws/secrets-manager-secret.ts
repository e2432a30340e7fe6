/** A secret's string from AWS Secrets Manager (locally: `local/secrets-manager/secrets-manager.ts`). */
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

export function secretString(client: SecretsManagerClient, secretId: string): () => Promise<string> {
  return async () => {
    const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
    if (!SecretString) throw new Error(`The secret ${secretId} has no string value`);
    return SecretString;
  };
}
