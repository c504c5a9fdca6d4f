// Require time of a bundle in a fresh Node process, as the extension host pays it on activation.
// `vscode` exists only inside VS Code: a stand-in module with the API's top-level names (read
// from @types/vscode) lets the bundle load; nothing of it runs until activate().
//   node --expose-gc scripts/bench/require-time.cjs dist/extension.js   -> prints {"ms": N}
const Module = require('node:module');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const dts = fs.readFileSync(require.resolve('@types/vscode/index.d.ts'), 'utf8');
const names = [
  ...new Set(
    [...dts.matchAll(/^\s*export (?:namespace|class|enum|function|const|let) (\w+)/gm)].map((m) => m[1]),
  ),
];
const stub = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'xp-vscode-stub-')), 'vscode.cjs');
fs.writeFileSync(
  stub,
  // Callable as well as constructible: a bundle may call the API at load (e.g. vscode.Uri.from).
  `const make = () => new Proxy(function () {}, { get: (t, k) => (k === 'prototype' ? t.prototype : typeof k === 'symbol' ? undefined : make()), apply: () => make(), construct: () => make() });
for (const n of ${JSON.stringify(names)}) exports[n] = make();`,
);
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  return request === 'vscode' ? stub : resolve.call(this, request, ...rest);
};
// The garbage of making the stand-in is not the bundle's: collect it before the clock starts.
global.gc?.();
const t0 = process.hrtime.bigint();
require(path.resolve(process.argv[2]));
const ms = Number(process.hrtime.bigint() - t0) / 1e6;
fs.rmSync(path.dirname(stub), { recursive: true, force: true });
console.log(JSON.stringify({ ms }));
