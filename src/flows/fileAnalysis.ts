// Everything the extension needs to analyse a Python file and compute its tasks' cache states:
// the entry of dist/analysis.js, which activation does not load (src/extension/lazyModules.ts).
// The first Python file that mentions Prefect or xpersist loads it.
export { PythonDocumentAnalyzer, resolveStorePath, storeDiagnostics } from '../python/index';
export { fileCacheStates, parseAsOf } from './fileStates';
export { autoMkdirEdit, callAt, mergeDiagnostics, preRunDiagnostics } from './preRunChecks';
