// Public API of the Python analysis (docs/ARCHITECTURE.md). No `vscode` import below this folder.
export { analyzePython, PythonDocumentAnalyzer, type TextChange } from './document';
export { evaluatePath, resolveStorePath, storeDiagnostics } from './storePath';
export { findFlow, flowTargets, type TargetContext } from './targets';
export { PyDateTime } from './template/datetime';
export { resolveTarget, type TargetResolution } from './template/resolve';
export { PyDict, PyFloat, PyRuntime, PySet, PyTuple, type PyValue } from './template/values';
export type {
  AnalyzeOptions,
  Diagnostic,
  FlowEdge,
  FlowInfo,
  FlowNode,
  FlowParameter,
  FlowTarget,
  InputValue,
  PathContext,
  PathExpr,
  PythonAnalysis,
  ResultInfo,
  StoreInfo,
  TaskInfo,
  TaskTarget,
} from './types';
