// What activation never needs, bundled on its own and required on first use (esbuild.mjs, plugin
// `lazy-modules`): the preview readers with their codecs (dist/preview.js: zarr, HDF5, parquet,
// pickle, compressors), the flow-graph view model with its dagre layout (dist/graph.js), and the
// Python analysis with its parser (dist/analysis.js, first Prefect file).
// Only values cross these boundaries (plain data, no classes to `instanceof`), so each bundle's
// own copy of a shared helper is harmless. In the test bundles the same require() is inlined.

import { existsSync } from 'node:fs';
import path from 'node:path';
import type * as AnalysisModule from '../flows/fileAnalysis';
import type * as GraphViewModule from '../flows/graphView';
import type * as PreviewModule from '../preview/index';
import { isolatedReaders } from '../preview/worker/isolatedReaders';

let preview: typeof PreviewModule | undefined;
let graphView: typeof GraphViewModule | undefined;
let analysis: typeof AnalysisModule | undefined;

/** Beside dist/extension.js (esbuild.mjs): the thread that runs preview reads (issue 16). */
const PREVIEW_WORKER = 'xpersist-preview-worker.js';

/**
 * The preview readers. Their one-shot calls run in a worker thread with a heap limit and a
 * deadline (src/preview/worker/), so a hostile file ends that thread, not the extension host;
 * where the worker bundle is absent (tests bundling everything inline) they run in-process.
 */
export function previewReaders(): typeof PreviewModule {
  if (preview) return preview;
  const readers = require('../preview/index') as typeof PreviewModule;
  const file = typeof __dirname === 'string' ? path.join(__dirname, PREVIEW_WORKER) : '';
  preview = file && existsSync(file) ? isolatedReaders(readers, file) : readers;
  return preview;
}

export function graphViews(): typeof GraphViewModule {
  graphView ??= require('../flows/graphView') as typeof GraphViewModule;
  return graphView;
}

export function pythonAnalysis(): typeof AnalysisModule {
  analysis ??= require('../flows/fileAnalysis') as typeof AnalysisModule;
  return analysis;
}
