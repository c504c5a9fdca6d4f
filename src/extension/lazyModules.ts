// What activation never needs, bundled on its own and required on first use (esbuild.mjs, plugin
// `lazy-modules`): the preview readers with their codecs (dist/preview.js: zarr, HDF5, parquet,
// pickle, compressors), the flow-graph view model with its dagre layout (dist/graph.js), and the
// Python analysis with its parser (dist/analysis.js, first Prefect file).
// Only values cross these boundaries (plain data, no classes to `instanceof`), so each bundle's
// own copy of a shared helper is harmless. In the test bundles the same require() is inlined.
import type * as AnalysisModule from '../flows/fileAnalysis';
import type * as GraphViewModule from '../flows/graphView';
import type * as PreviewModule from '../preview/index';

let preview: typeof PreviewModule | undefined;
let graphView: typeof GraphViewModule | undefined;
let analysis: typeof AnalysisModule | undefined;

export function previewReaders(): typeof PreviewModule {
  preview ??= require('../preview/index') as typeof PreviewModule;
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
