// Local object-storage servers for the tests, the benches and `npm start`: S3 from moto in server
// mode (the venv's `moto_server`, pinned in requirements.txt) and Azure Blob from Azurite (npm
// devDependency, blob service only). Each runs on 127.0.0.1 on a free port, in its own process
// group, with its data in a folder of the caller's; stop() ends the group and waits for it.
//
//   const s3 = await startS3({ dir, log });   s3.endpoint, s3.storageOptions, s3.env, await s3.stop()
//   const az = await startAzurite({ dir, log });   az.connectionString, az.storageOptions, ...
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { cleanNpmEnv, freePort, ROOT, VENV_PYTHON } from './codeServer.mjs';

/** Azurite's published development account (not a secret: it is in Microsoft's docs). */
export const AZURITE_ACCOUNT = 'devstoreaccount1';
export const AZURITE_KEY =
  'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Resolves once an HTTP GET on 127.0.0.1:port answers at all (any status). */
async function waitForHttp(port, pathName, child, what, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${what} exited early (code ${child.exitCode})`);
    const ok = await new Promise((resolve) => {
      const req = http.get({ host: '127.0.0.1', port, path: pathName, timeout: 1000 }, (res) => {
        res.resume();
        resolve(true);
      });
      req.on('error', () => resolve(false));
      req.on('timeout', () => {
        req.destroy();
        resolve(false);
      });
    });
    if (ok) return;
    if (Date.now() > deadline)
      throw new Error(`${what} did not answer on port ${port} within ${timeoutMs} ms`);
    await sleep(100);
  }
}

function startProcess(cmd, args, { dir, logName, env }) {
  mkdirSync(dir, { recursive: true });
  const out = createWriteStream(path.join(dir, logName));
  const child = spawn(cmd, args, {
    cwd: dir,
    env: { ...cleanNpmEnv(process.env), ...env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.pipe(out);
  child.stderr.pipe(out);
  const exited = new Promise((resolve) => child.on('exit', resolve));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      return;
    }
    const done = await Promise.race([exited.then(() => true), sleep(8000).then(() => false)]);
    if (!done) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // gone
      }
      await exited;
    }
    out.end();
  };
  return { child, stop };
}

/**
 * moto's S3 in server mode. Any key/secret is accepted; the ones given here are what the tests
 * and the demo pass (s3fs names: key, secret, client_kwargs.endpoint_url).
 */
export async function startS3({ dir, log = () => {}, port = 0 } = {}) {
  const bin = path.join(path.dirname(VENV_PYTHON), 'moto_server');
  if (!existsSync(bin))
    throw new Error(`${bin} is missing: run scripts/setup-python.sh (requirements.txt pins moto[server])`);
  const p = await freePort(port);
  const started = Date.now();
  const { child, stop } = startProcess(bin, ['-H', '127.0.0.1', '-p', String(p)], {
    dir,
    logName: 'moto.log',
    env: {},
  });
  try {
    await waitForHttp(p, '/', child, 'moto_server');
  } catch (err) {
    await stop();
    throw err;
  }
  const endpoint = `http://127.0.0.1:${p}`;
  log(`S3 (moto) on ${endpoint} in ${Date.now() - started} ms`);
  const key = 'testing';
  const secret = 'testing';
  return {
    kind: 's3',
    endpoint,
    port: p,
    pid: child.pid,
    /** fsspec/s3fs storage_options, the same dict our core takes. */
    storageOptions: { key, secret, client_kwargs: { endpoint_url: endpoint, region_name: 'us-east-1' } },
    /** What boto3/s3fs and the AWS SDK read from the environment. */
    env: {
      AWS_ACCESS_KEY_ID: key,
      AWS_SECRET_ACCESS_KEY: secret,
      AWS_DEFAULT_REGION: 'us-east-1',
      AWS_ENDPOINT_URL: endpoint,
    },
    stop,
  };
}

/** Azurite's blob service with the published development account. */
export async function startAzurite({ dir, log = () => {}, port = 0 } = {}) {
  const main = path.join(ROOT, 'node_modules/azurite/dist/src/blob/main.js');
  if (!existsSync(main)) throw new Error(`${main} is missing: run npm ci (azurite is a devDependency)`);
  const p = await freePort(port);
  const started = Date.now();
  const location = path.join(dir, 'azurite-data');
  mkdirSync(location, { recursive: true });
  const { child, stop } = startProcess(
    process.execPath,
    [
      main,
      '--blobHost',
      '127.0.0.1',
      '--blobPort',
      String(p),
      '--location',
      location,
      '--silent',
      '--skipApiVersionCheck',
      '--disableTelemetry',
    ],
    { dir, logName: 'azurite.log', env: {} },
  );
  try {
    await waitForHttp(p, `/${AZURITE_ACCOUNT}?comp=list`, child, 'azurite');
  } catch (err) {
    await stop();
    throw err;
  }
  const blobEndpoint = `http://127.0.0.1:${p}/${AZURITE_ACCOUNT}`;
  const connectionString =
    `DefaultEndpointsProtocol=http;AccountName=${AZURITE_ACCOUNT};AccountKey=${AZURITE_KEY};` +
    `BlobEndpoint=${blobEndpoint};`;
  log(`Azure Blob (Azurite) on ${blobEndpoint} in ${Date.now() - started} ms`);
  return {
    kind: 'az',
    endpoint: blobEndpoint,
    port: p,
    pid: child.pid,
    connectionString,
    /** adlfs storage_options (account_name + account_key alone would go to the public host). */
    storageOptions: { connection_string: connectionString },
    env: { AZURE_STORAGE_CONNECTION_STRING: connectionString },
    stop,
  };
}

/**
 * Creates `bucket` on a moto server (an existing one is fine). Returns the SDK client when `keep`,
 * else closes it.
 */
export async function createS3Bucket(server, bucket, { keep = false } = {}) {
  const { CreateBucketCommand, S3Client } = await import('@aws-sdk/client-s3');
  const s3 = new S3Client({
    region: 'us-east-1',
    endpoint: server.endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  });
  await s3.send(new CreateBucketCommand({ Bucket: bucket })).catch((err) => {
    if (err?.name !== 'BucketAlreadyOwnedByYou') throw err;
  });
  if (keep) return s3;
  s3.destroy();
  return null;
}

/**
 * Creates `bucket` on a moto server and uploads every regular file under `dir` as objects under
 * `prefix/` (a cache written by the real xpersist becomes the same store on S3).
 */
export async function seedS3Store(server, bucket, prefix, dir) {
  const { PutObjectCommand } = await import('@aws-sdk/client-s3');
  const s3 = await createS3Bucket(server, bucket, { keep: true });
  try {
    const files = [];
    const walk = (d, rel) => {
      for (const e of readdirSync(d, { withFileTypes: true })) {
        const r = rel ? `${rel}/${e.name}` : e.name;
        if (e.isDirectory()) walk(path.join(d, e.name), r);
        else if (e.isFile()) files.push(r);
      }
    };
    walk(dir, '');
    for (const r of files) {
      await s3.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: `${prefix}/${r}`,
          Body: readFileSync(path.join(dir, r)),
        }),
      );
    }
    return files.length;
  } finally {
    s3.destroy();
  }
}
