/**
 * amplify_outputs.json as `ampx generate outputs` writes it for a deployed branch of this backend,
 * made by the code that command runs: @aws-amplify/client-config's `generateClientConfig`, at the
 * outputs version it writes by default, reading the stack from a CloudFormation stand-in that
 * answers with the Amplify metadata and outputs the synthesized root stack declares (`npm run
 * synth`): Amplify's auth construct's for this `defineAuth` (amplify/auth/resource.ts, and
 * amplify/auth/app-client.ts: an identity pool that hands out no guest identities; no OAuth, so no
 * `oauth*` outputs) and the `custom` block of `backend.addOutput(StorefrontHosting.clientOutputs)`.
 * Only the deployed ids are given.
 */
import { DEFAULT_CLIENT_CONFIG_VERSION, generateClientConfig } from '@aws-amplify/client-config';
import { DescribeStacksCommand, GetTemplateSummaryCommand, type CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { storefrontApiEndpoint, type CloudClientOutputs } from '../amplify/cloud/storefront.ts';
import { API_NAME } from '../amplify/domain/api.ts';
import { STAFF_GROUP } from '../amplify/domain/auth.ts';
import type { AmplifyOutputs } from '../amplify/domain/outputs.ts';

/** What a deployment makes up: the region and the ids of its resources. */
export interface DeployedIds {
  region: string;
  userPoolId: string;
  userPoolClientId: string;
  identityPoolId: string;
  /** The distribution's URL (`https://<domain>`); the API is on it, under its stage. */
  storefrontUrl: string;
}

/** The version `backend.addOutput` stamps on the `custom` block (@aws-amplify/backend). */
const ADD_OUTPUT_VERSION = '1.4';

/** The root stack's outputs, by the Amplify metadata entry that lists them. */
function stackOutputs(ids: DeployedIds): Record<string, Record<string, string>> {
  const custom: CloudClientOutputs = {
    custom: {
      API: { [API_NAME]: { endpoint: storefrontApiEndpoint(ids.storefrontUrl), region: ids.region, apiName: API_NAME } },
      storefrontUrl: ids.storefrontUrl,
    },
  };
  return {
    'AWS::Amplify::Platform': { deploymentType: 'branch', region: ids.region },
    'AWS::Amplify::Auth': {
      userPoolId: ids.userPoolId,
      webClientId: ids.userPoolClientId,
      identityPoolId: ids.identityPoolId,
      authRegion: ids.region,
      allowUnauthenticatedIdentities: 'false',
      signupAttributes: '["email"]',
      usernameAttributes: '["email"]',
      verificationMechanisms: '["email"]',
      passwordPolicyMinLength: '8',
      passwordPolicyRequirements: '["REQUIRES_NUMBERS","REQUIRES_LOWERCASE","REQUIRES_UPPERCASE","REQUIRES_SYMBOLS"]',
      mfaConfiguration: 'OFF',
      mfaTypes: '[]',
      groups: JSON.stringify([{ [STAFF_GROUP]: { precedence: 0 } }]),
    },
    'AWS::Amplify::Custom': { customOutputs: JSON.stringify({ ...custom, version: ADD_OUTPUT_VERSION }) },
  };
}

/** A CloudFormation client answering the two calls Amplify's output reader makes, for one stack. */
function cloudFormationStandIn(outputs: Record<string, Record<string, string>>): CloudFormationClient {
  const metadata = Object.fromEntries(Object.entries(outputs).map(([entry, values]) => [entry, { version: '1', stackOutputs: Object.keys(values) }]));
  const stackOutputList = Object.values(outputs).flatMap((values) => Object.entries(values).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })));
  const send = async (command: unknown) => {
    if (command instanceof GetTemplateSummaryCommand) return { Metadata: JSON.stringify(metadata) };
    if (command instanceof DescribeStacksCommand) return { Stacks: [{ StackStatus: 'UPDATE_COMPLETE', Outputs: stackOutputList }] };
    throw new Error(`Unexpected CloudFormation call ${(command as object).constructor.name}`);
  };
  return { send } as unknown as CloudFormationClient;
}

/** The outputs file of a deployment with these ids. */
export async function cloudOutputs(ids: DeployedIds): Promise<AmplifyOutputs> {
  // S3 (data models) and Amplify (app lookup by name) are never called for a stack of this backend.
  const uncalled = { send: async () => Promise.reject(new Error('Unexpected AWS call')) } as any;
  const config = await generateClientConfig({ stackName: 'amplify-orders-main-branch' }, DEFAULT_CLIENT_CONFIG_VERSION, {
    getCloudFormationClient: () => cloudFormationStandIn(stackOutputs(ids)),
    getS3Client: () => uncalled,
    getAmplifyClient: () => uncalled,
  });
  return config as AmplifyOutputs;
}
