/** Client settings for the local stand-ins: any region and credentials do, nothing leaves the machine. */
export const LOCAL_REGION = 'us-east-1';
export const LOCAL_ACCOUNT = '000000000000';

export const LOCAL_AWS = {
  region: LOCAL_REGION,
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
};
