// Hover on a task's target: the key (or pattern) it resolves to today, where each template field
// comes from, and the artifacts that match with their created_at.
import * as vscode from 'vscode';
import { formatAge, formatBytes, formatLocal } from '../../common/format';
import { mdCodeSpan, mdEscape } from '../../explorer/describe';
import { STATUS } from '../../flows/status';
import type { PythonInsights } from './pythonInsights';

const CONTEXT_FIELDS = new Set([
  'date',
  'today',
  'yesterday',
  'tomorrow',
  'today_nodash',
  'yesterday_nodash',
  'tomorrow_nodash',
  'flow_name',
  'flow_id',
  'flow_run_id',
  'flow_run_name',
  'flow_run_version',
  'task_name',
  'task_full_name',
  'task_slug',
  'task_id',
  'task_run_id',
  'task_run_name',
  'task_run_version',
  'task_tags',
  'map_index',
  'parameters',
  'scheduled_start_time',
  'config',
  'running_with_backend',
  'resume',
  'checkpointing',
]);

/** Field names used by a str.format template ("{date:%A}-{flow_name}" -> date, flow_name). */
export function templateFields(template: string): string[] {
  const out: string[] = [];
  for (const m of template.matchAll(/\{\{|\}\}|\{([^{}!:.[\]]*)/g)) {
    if (m[1] !== undefined && m[1] !== '' && !out.includes(m[1])) out.push(m[1]);
  }
  return out;
}

export class TargetHoverProvider implements vscode.HoverProvider {
  constructor(private readonly insights: PythonInsights) {}

  provideHover(doc: vscode.TextDocument, pos: vscode.Position): vscode.Hover | undefined {
    const insight = this.insights.get(doc.uri);
    if (!insight) return undefined;
    const line = pos.line + 1;
    const taskIndex = insight.analysis.tasks.findIndex((t) => t.target && (t.targetLine ?? t.line) === line);
    if (taskIndex < 0) return undefined;
    const task = insight.analysis.tasks[taskIndex];
    const wordRange = doc.getWordRangeAtPosition(pos, /(f|r|rf|fr)?("[^"]*"|'[^']*')/i);
    if (!wordRange && task.targetLine !== undefined) return undefined;
    const md = new vscode.MarkdownString(undefined, true);
    md.appendMarkdown(`**xpersist target of ${mdCodeSpan(task.name)}**\n\n`);
    if (task.target?.kind === 'template' && task.target.template !== null) {
      md.appendMarkdown(`template: ${mdCodeSpan(task.target.template)}\n\n`);
      const fields = templateFields(task.target.template);
      if (fields.length) {
        const params = new Set(insight.analysis.flows.flatMap((f) => f.parameters.map((p) => p.name)));
        md.appendMarkdown('fields:\n');
        for (const f of fields) {
          const where = /^\d+$/.test(f)
            ? 'a positional field: Prefect passes no positional arguments (IndexError at run time)'
            : params.has(f)
              ? 'a flow parameter (default value unless given at run time), overridden by a task input of the same name'
              : CONTEXT_FIELDS.has(f)
                ? f === 'date' || f.startsWith('to') || f.startsWith('yes')
                  ? `Prefect context, from the run's date (evaluated for ${insight.evaluatedAt.toISOString().slice(0, 10)})`
                  : 'Prefect context'
                : 'a task input (constant in the flow, or only known at run time)';
          md.appendMarkdown(`- ${mdCodeSpan(f)}: ${mdEscape(where)}\n`);
        }
        md.appendMarkdown('\n');
      }
    } else if (task.target?.kind === 'callable') {
      md.appendMarkdown(
        `target: the callable ${mdCodeSpan(task.target.name)} (called by Prefect with the context and inputs)\n\n`,
      );
    }
    for (const f of insight.flows) {
      for (const s of f.states) {
        if (s.taskIndex !== taskIndex) continue;
        md.appendMarkdown(`---\n\nflow **${mdEscape(f.name ?? '(unnamed)')}**: `);
        if (s.key !== undefined) md.appendMarkdown(`key ${mdCodeSpan(s.key)}`);
        else if (s.pattern !== undefined)
          md.appendMarkdown(`pattern ${mdCodeSpan(s.pattern)} (fields known only at run time)`);
        else if (s.error) md.appendMarkdown(`$(error) ${mdEscape(s.error)}`);
        md.appendMarkdown(
          `  \nstate: ${mdEscape(STATUS[s.status].label)}${s.reason ? ` (${mdEscape(s.reason)})` : ''}${s.storeRoot ? `  \nstore: ${mdCodeSpan(s.storeRoot)}` : ''}\n\n`,
        );
        const arts = s.artifact ? [s.artifact] : s.matches;
        for (const a of arts.slice(0, 10)) {
          const when = a.createdAt
            ? `${formatLocal(a.createdAt)} (${formatAge(a.createdAt)})`
            : 'created_at unknown';
          md.appendMarkdown(
            `- ${mdCodeSpan(a.key)} · ${when} · ${a.dataExists ? formatBytes(a.sizeBytes) : 'data missing'}\n`,
          );
        }
        if (arts.length > 10) md.appendMarkdown(`- … ${arts.length - 10} more\n`);
      }
    }
    return new vscode.Hover(md, wordRange);
  }
}
