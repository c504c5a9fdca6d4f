// The Python analysis on its own (no targets, no cache states): the 5,000-line file with 200
// tasks (lezer's parse apart from the interpreter's work; first analysis and a one-character
// edit) and the 100 modules of a real-size project, each analysed by a fresh analyzer. "cold"
// figures are the first run in this fresh process (JIT cold); the others are medians of
// interleaved rounds after warm-up.
import { parser } from '@lezer/python';
import { PythonDocumentAnalyzer, type TextChange } from '../../src/python/index';
import { median, nowMs, report, round, summary } from './harness';
import { benchSource, projectModule } from './pythonSources';

const FILES = 100;
const ROUNDS = 9;

function main(): void {
  const src = benchSource();
  const modules = Array.from({ length: FILES }, (_, i) => projectModule(i));

  let t = nowMs();
  const cold = new PythonDocumentAnalyzer().update(src);
  const coldFileMs = nowMs() - t;
  t = nowMs();
  let projectTasks = 0;
  let projectFlows = 0;
  for (const m of modules) {
    const a = new PythonDocumentAnalyzer().update(m);
    projectTasks += a.tasks.length;
    projectFlows += a.flows.length;
  }
  const coldProjectMs = nowMs() - t;
  if (cold.tasks.length < 200 || projectTasks !== FILES * 16 || projectFlows !== FILES) {
    throw new Error(
      `misanalysed: ${cold.tasks.length} tasks; project ${projectTasks} tasks, ${projectFlows} flows`,
    );
  }

  // Interleaved rounds: lezer on the whole text (what a parse without the analyzer's body
  // blanking would cost: the analysis parses blanked task bodies, so it may take less), first
  // analysis, project.
  const parse: number[] = [];
  const first: number[] = [];
  const project: number[] = [];
  for (let r = 0; r < ROUNDS + 1; r++) {
    let s = nowMs();
    parser.parse(src);
    const p = nowMs() - s;
    s = nowMs();
    new PythonDocumentAnalyzer().update(src);
    const f = nowMs() - s;
    s = nowMs();
    for (const m of modules) new PythonDocumentAnalyzer().update(m);
    const pr = nowMs() - s;
    if (r === 0) continue; // warm-up
    parse.push(p);
    first.push(f);
    project.push(pr);
  }

  // A one-character edit inside a task's body, alternately typed and deleted.
  const editAt = src.indexOf('    out = sel * scale + 100') + 4;
  const analyzer = new PythonDocumentAnalyzer();
  analyzer.update(src);
  let current = src;
  const edits: number[] = [];
  for (let i = 0; i < 34; i++) {
    const typed = i % 2 === 1;
    const change: TextChange = typed
      ? { rangeOffset: editAt, rangeLength: 1, text: '' }
      : { rangeOffset: editAt, rangeLength: 0, text: 'x' };
    current = current.slice(0, editAt) + change.text + current.slice(editAt + change.rangeLength);
    const s = nowMs();
    analyzer.update(current, [change]);
    if (i >= 4) edits.push(nowMs() - s);
  }

  report({
    file: { lines: src.split('\n').length, tasks: cold.tasks.length, flows: cold.flows.length },
    project: {
      files: FILES,
      lines: modules.reduce((n, m) => n + m.split('\n').length, 0),
      tasks: projectTasks,
    },
    coldFirstAnalysisMs: round(coldFileMs),
    wholeTextParseMs: summary(parse),
    firstAnalysisMs: summary(first),
    editAnalysisMs: summary(edits),
    coldProjectMs: round(coldProjectMs),
    projectMs: summary(project),
    projectPerFileMs: round(median(project) / FILES),
    targets: { firstMs: 60, editMs: 10 },
    withinTargets: median(first) < 60 && median(edits) < 10,
  });
}

main();
