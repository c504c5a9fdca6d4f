// Stores on object storage, on a local moto S3 server over HTTP, beside xpersist + s3fs in the
// same run: a store of N artifacts (sidecars as xpersist writes them, byte for byte, and one data
// object each), then interleaved rounds of
//   - core cold: a NEW store object, open + scan() (listing + every sidecar GET, 32 in flight);
//   - core rescan: the same object, scan() again with nothing changed (listing requests only);
//   - core new window: a new store object with the persisted index (listing, no sidecar GET);
//   - xpersist: CacheStore(url) + keys() + get_artifact(k) for every key (its listing cache
//     invalidated each round), in one long-lived Python process;
//   - ceiling: the listing alone, and a raw GET of every sidecar at 32 in flight (the server's
//     own limit: it shares the 2 cores with the client);
//   - SDK against light: the same listing and GETs through @aws-sdk/client-s3 (what reads used
//     before the SigV4 client of our own, s3Light.ts, which the store uses with static credentials).
// Request counts (listing pages, HEADs, GETs) of a cold scan, a no-change rescan and a new window
// are taken once more through a counting proxy, after the timed rounds, on both servers.
// Then the same core rounds on Azurite's Blob service (BENCH_REMOTE_AZ_N artifacts, default 2,000;
// BENCH_REMOTE_AZURE=0 skips them).
//   out/bench/remote.bench.js        (npm run bench remote; BENCH_REMOTE_N, BENCH_ROUNDS)
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { BlobServiceClient } from '@azure/storage-blob';
import { createS3Bucket, startAzurite, startS3 } from '../../scripts/lib/objectServers.mjs';
import { CacheStore } from '../../src/core/index';
import { listAll, mapLimit, type ObjectClient } from '../../src/core/remote/objectClient';
import { parseObjectUrl } from '../../src/core/remote/objectUrl';
import type { ObjectCacheStore } from '../../src/core/remote/remoteStore';
import { S3ObjectClient } from '../../src/core/remote/s3Client';
import { sidecarText } from '../../src/core/sidecar/writeSidecar';
import { countingProxy } from './countingProxy';
import { nowMs, report, round, summary } from './harness';

const python = process.env.XPERSIST_TEST_PYTHON ?? '.venv/bin/python';
const N = Number(process.env.BENCH_REMOTE_N ?? 10_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const BUCKET = 'xp-bench';
/** Artifacts of the Azure store (Azurite writes slower than moto: a smaller store, same rounds). */
const AZ_N = Number(process.env.BENCH_REMOTE_AZ_N ?? 2_000);

const XPERSIST_ROUNDS = `
import json, sys, time, fsspec
opts = json.loads(sys.argv[2]); fsspec.config.conf["s3"] = opts
from xpersist import CacheStore
print(json.dumps({"ready": True}), flush=True)
for line in sys.stdin:
    t = time.perf_counter()
    store = CacheStore(sys.argv[1], storage_options=opts)
    store.mapper.fs.invalidate_cache()
    keys = store.keys()
    for k in keys: store.get_artifact(k)
    print(json.dumps({"ms": (time.perf_counter() - t) * 1000, "keys": len(keys)}), flush=True)
`;

class Xpersist {
  private readonly proc: ChildProcessWithoutNullStreams;
  private readonly lines: AsyncIterator<string>;
  constructor(url: string, options: Record<string, unknown>) {
    this.proc = spawn(python, ['-c', XPERSIST_ROUNDS, url, JSON.stringify(options)], {
      env: { ...process.env, PYTHONWARNINGS: 'ignore' },
    });
    this.proc.stderr.pipe(process.stderr);
    this.lines = createInterface({ input: this.proc.stdout })[Symbol.asyncIterator]();
  }
  async next(): Promise<{ ms: number; keys: number }> {
    const r = await this.lines.next();
    if (r.done) throw new Error('the xpersist process ended');
    return JSON.parse(r.value);
  }
  async round(): Promise<{ ms: number; keys: number }> {
    this.proc.stdin.write('all\n');
    return this.next();
  }
  close(): void {
    this.proc.stdin.end();
  }
}

/** N artifacts: xpersist's sidecar bytes (as its put() writes them) and a small data object each. */
async function fill(store: ObjectCacheStore, n = N): Promise<void> {
  const t = nowMs();
  const prefix = store.location.prefix;
  // Flat keys: xpersist's keys() lists one level only, so nested keys would hide from it.
  const items = Array.from({ length: n }, (_, i) => `member-${i % 50}-var-${i}.joblib`);
  await mapLimit(items, 64, async (key, i) => {
    const text = sidecarText({
      key,
      serializer: 'joblib',
      loadKwargs: {},
      dumpKwargs: {},
      additionalMetadata: { flow_name: 'climate', task_name: `t${i % 8}`, map_index: i },
      createdAt: '2026-12-03T08:00:00.123456',
    });
    await store.client.put(`${prefix}/xpersist_metadata_store/${key}.artifact.json`, text);
    await store.client.put(`${prefix}/${key}`, Buffer.alloc(256, i % 251));
  });
  console.error(
    `[bench remote] wrote ${n} artifacts (${2 * n} objects) in ${round((nowMs() - t) / 1000, 1)} s`,
  );
}

/**
 * The requests of one cold scan, one no-change rescan and one new window (persisted index), sent
 * through a counting proxy in front of the server: `open` makes a store whose client talks to
 * `endpoint`, with or without the index.
 */
async function countedScans(
  serverEndpoint: string,
  open: (endpoint: string, indexDir: string) => Promise<ObjectCacheStore>,
): Promise<Record<string, unknown>> {
  const proxy = await countingProxy(serverEndpoint);
  const indexDir = mkdtempSync(path.join(os.tmpdir(), 'xp-bench-count-'));
  try {
    proxy.take();
    const store = await open(proxy.endpoint, indexDir);
    await store.scan();
    const cold = proxy.take();
    await store.scan();
    const rescan = proxy.take();
    await (await open(proxy.endpoint, indexDir)).scan();
    const newWindow = proxy.take();
    return { coldScan: cold, rescanNoChange: rescan, newStoreObjectWithIndex: newWindow };
  } finally {
    proxy.close();
    rmSync(indexDir, { recursive: true, force: true });
  }
}

/** The same scan rounds on Azurite's Blob service: cold, no-change rescan, new window, ceilings. */
async function azureScan(): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'xp-bench-az-'));
  const server = await startAzurite({ dir });
  const indexDir = path.join(dir, 'index');
  try {
    const svc = BlobServiceClient.fromConnectionString(server.connectionString as string);
    await svc.getContainerClient(BUCKET).createIfNotExists();
    const url = `az://${BUCKET}/cache`;
    const open = async (withIndex: boolean) =>
      (await CacheStore.open(url, {
        storageOptions: server.storageOptions,
        ...(withIndex ? { indexDir } : {}),
      })) as ObjectCacheStore;
    const seed = await open(false);
    await fill(seed, AZ_N);
    const t: Record<string, number[]> = { cold: [], rescan: [], newWindow: [], listing: [], rawGets: [] };
    let rescanReads = -1;
    let windowReads = -1;
    let keys = 0;
    for (let r = 0; r < ROUNDS; r++) {
      let s = nowMs();
      const store = await open(true);
      keys = (await store.scan()).artifacts.length;
      t.cold.push(nowMs() - s);
      s = nowMs();
      await store.scan();
      t.rescan.push(nowMs() - s);
      rescanReads = store.lastScanReuse?.sidecarsRead ?? -1;
      s = nowMs();
      const again = await open(true);
      await again.scan();
      t.newWindow.push(nowMs() - s);
      windowReads = again.lastScanReuse?.sidecarsRead ?? -1;
      rmSync(indexDir, { recursive: true, force: true });
      s = nowMs();
      const objects = await listAll(seed.client, 'cache/');
      t.listing.push(nowMs() - s);
      s = nowMs();
      await mapLimit(
        objects.filter((o) => o.key.endsWith('.artifact.json')),
        32,
        (o) => seed.client.get(o.key),
      );
      t.rawGets.push(nowMs() - s);
      console.error(`[bench remote] azure round ${r + 1}/${ROUNDS}: cold ${round(t.cold[r])} ms`);
    }
    return {
      artifacts: AZ_N,
      keysFound: keys,
      server: 'Azurite 3.35 (Blob, 127.0.0.1, same 2 cores)',
      coldOpenScanMs: summary(t.cold),
      rescanNoChangeMs: summary(t.rescan),
      rescanSidecarGets: rescanReads,
      newStoreObjectWithIndexMs: summary(t.newWindow),
      newStoreObjectSidecarGets: windowReads,
      ceilingListingOnlyMs: summary(t.listing),
      ceilingRawSidecarGetsMs: summary(t.rawGets),
      requests: await countedScans(
        server.endpoint,
        async (endpoint, dir) =>
          (await CacheStore.open(url, {
            storageOptions: {
              connection_string: (server.connectionString as string).replace(
                /BlobEndpoint=[^;]*/,
                `BlobEndpoint=${endpoint}`,
              ),
            },
            indexDir: dir,
          })) as ObjectCacheStore,
      ),
    };
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'xp-bench-s3-'));
  const server = await startS3({ dir });
  const indexDir = path.join(dir, 'index');
  try {
    await createS3Bucket(server, BUCKET);
    const url = `s3://${BUCKET}/cache`;
    const open = async (withIndex: boolean) =>
      (await CacheStore.open(url, {
        storageOptions: server.storageOptions,
        ...(withIndex ? { indexDir } : {}),
      })) as ObjectCacheStore;
    const seed = await open(false);
    await fill(seed);
    const xp = new Xpersist(url, server.storageOptions);
    await xp.next();
    const t: Record<string, number[]> = {
      cold: [],
      rescan: [],
      newWindow: [],
      xpersist: [],
      listing: [],
      rawGets: [],
      sdkListing: [],
      sdkRawGets: [],
    };
    const sdk: ObjectClient = new S3ObjectClient(parseObjectUrl(url), server.storageOptions);
    let keys = 0;
    let rescanReads = -1;
    let windowReads = -1;
    for (let r = 0; r < ROUNDS; r++) {
      let s = nowMs();
      const store = await open(true);
      const rep = await store.scan();
      t.cold.push(nowMs() - s);
      keys = rep.artifacts.length;
      s = nowMs();
      await store.scan();
      t.rescan.push(nowMs() - s);
      rescanReads = store.lastScanReuse?.sidecarsRead ?? -1;
      s = nowMs();
      const again = await open(true);
      await again.scan();
      t.newWindow.push(nowMs() - s);
      windowReads = again.lastScanReuse?.sidecarsRead ?? -1;
      rmSync(indexDir, { recursive: true, force: true }); // the next cold round has no index
      const x = await xp.round();
      t.xpersist.push(x.ms);
      s = nowMs();
      const objects = await listAll(seed.client, 'cache/');
      t.listing.push(nowMs() - s);
      const sidecars = objects.filter((o) => o.key.endsWith('.artifact.json'));
      s = nowMs();
      await mapLimit(sidecars, 32, (o) => seed.client.get(o.key));
      t.rawGets.push(nowMs() - s);
      s = nowMs();
      const viaSdk = await listAll(sdk, 'cache/');
      t.sdkListing.push(nowMs() - s);
      if (viaSdk.length !== objects.length)
        throw new Error(`the SDK listed ${viaSdk.length} of ${objects.length}`);
      s = nowMs();
      await mapLimit(sidecars, 32, (o) => sdk.get(o.key));
      t.sdkRawGets.push(nowMs() - s);
      console.error(
        `[bench remote] round ${r + 1}/${ROUNDS}: cold ${round(t.cold[r])} ms, xpersist ${round(x.ms)} ms (${x.keys} keys)`,
      );
    }
    xp.close();
    const opts = server.storageOptions as Record<string, unknown>;
    const requests = await countedScans(
      server.endpoint,
      async (endpoint, dir) =>
        (await CacheStore.open(url, {
          storageOptions: { ...opts, client_kwargs: { endpoint_url: endpoint, region_name: 'us-east-1' } },
          indexDir: dir,
        })) as ObjectCacheStore,
    );
    const med = (k: string) => summary(t[k]).median;
    report({
      artifacts: N,
      keysFound: keys,
      server: 'moto 5.2.5 (S3, 127.0.0.1, same 2 cores)',
      coldOpenScanMs: summary(t.cold),
      rescanNoChangeMs: summary(t.rescan),
      rescanSidecarGets: rescanReads,
      newStoreObjectWithIndexMs: summary(t.newWindow),
      newStoreObjectSidecarGets: windowReads,
      xpersistKeysGetArtifactMs: summary(t.xpersist),
      ceilingListingOnlyMs: summary(t.listing),
      ceilingRawSidecarGetsMs: summary(t.rawGets),
      sdkAgainstLight: {
        how: 'the same listing and sidecar GETs (32 in flight), @aws-sdk/client-s3 against s3Light.ts, in each round',
        sdkListingMs: summary(t.sdkListing),
        sdkRawSidecarGetsMs: summary(t.sdkRawGets),
        lightFasterListing: round(med('sdkListing') / med('listing'), 2),
        lightFasterGets: round(med('sdkRawGets') / med('rawGets'), 2),
      },
      requests,
      speedup: {
        coldVsXpersist: round(med('xpersist') / med('cold'), 1),
        rescanVsXpersist: round(med('xpersist') / med('rescan'), 1),
        newWindowVsXpersist: round(med('xpersist') / med('newWindow'), 1),
      },
      // Beside the S3 figures: the same core scan rounds on Azure Blob (after the S3 rounds).
      azure: process.env.BENCH_REMOTE_AZURE === '0' ? 'skipped (BENCH_REMOTE_AZURE=0)' : await azureScan(),
    });
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

void main().catch((err) => {
  console.error(err);
  process.exit(1);
});
