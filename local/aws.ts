/** Client settings for the local stand-ins: any region and credentials do, nothing leaves the machine. */
export const LOCAL_REGION = 'us-east-1';
export const LOCAL_ACCOUNT = '000000000000';

export const LOCAL_AWS = {
  region: LOCAL_REGION,
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
};

// The SDK warns once per process that releases after January 2027 need Node 22; the local stack
// runs on the Node 20 the project supports, and the warning would only add noise to its output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
