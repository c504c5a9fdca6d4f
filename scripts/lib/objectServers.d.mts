// Types of objectServers.mjs for the TypeScript tests and benches that start the servers.
export interface ObjectServer {
  kind: 's3' | 'az';
  endpoint: string;
  port: number;
  pid: number;
  storageOptions: Record<string, unknown>;
  env: Record<string, string>;
  connectionString?: string;
  stop(): Promise<void>;
}
export const AZURITE_ACCOUNT: string;
export const AZURITE_KEY: string;
export function startS3(opts: {
  dir: string;
  log?: (msg: string) => void;
  port?: number;
}): Promise<ObjectServer>;
export function startAzurite(opts: {
  dir: string;
  log?: (msg: string) => void;
  port?: number;
}): Promise<ObjectServer>;
export function seedS3Store(
  server: ObjectServer,
  bucket: string,
  prefix: string,
  dir: string,
): Promise<number>;
export function createS3Bucket(
  server: ObjectServer,
  bucket: string,
  opts?: { keep?: boolean },
): Promise<unknown>;
