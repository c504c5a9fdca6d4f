import { CacheStore } from '../../src/core/index';

(async () => {
  const s = await CacheStore.open(process.env.BENCH_DATA + '/core-10k');
  await s.scan();
  await s.scan();
  const xs: number[] = [];
  for (let i = 0; i < 15; i++) {
    const t = performance.now();
    await s.scan();
    xs.push(performance.now() - t);
  }
  console.log(xs.map((x) => x.toFixed(0)).join(' '));
})();
