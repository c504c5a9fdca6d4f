// The type tree of a pickled object (joblib): never executed, only described. Objects built by
// calling something are marked "not run".

import { displayDtype } from '../../preview/cf/calendarTime';
import type { ObjectNode, Value } from '../../preview/model';
import { fmt, h, icon } from '../common/dom';

function valuesLine(values: Value[] | undefined, total: number | undefined): string {
  if (!values) return '';
  const shown = values.map((v) => fmt(v, 5)).join(', ');
  return `[${shown}${total !== undefined && total > values.length ? ', …' : ''}]`;
}

function frameTable(node: ObjectNode): HTMLElement | null {
  if (!node.columns || !node.rows) return null;
  return h(
    'table',
    { class: 'values-table frame-table', dataset: { testid: 'frame-table' } },
    h(
      'thead',
      null,
      h(
        'tr',
        null,
        h('th', { class: 'index' }, node.index?.name ?? ''),
        ...node.columns.map((c) =>
          h(
            'th',
            { title: displayDtype(c) },
            c.name,
            h('div', { class: 'col-dtype muted' }, displayDtype(c)),
          ),
        ),
      ),
    ),
    h(
      'tbody',
      null,
      ...node.rows.map((row, i) =>
        h(
          'tr',
          null,
          h('th', { class: 'index' }, fmt(node.index?.values?.[i] ?? i)),
          ...row.map((v) =>
            h('td', { class: v === null ? 'nan' : typeof v === 'number' ? 'num' : '' }, fmt(v)),
          ),
        ),
      ),
    ),
  );
}

/**
 * A 2-D or higher array as a table: one row per index of the leading dimensions, one column per
 * index of the last (as numpy prints it), as many rows as the values kept.
 */
export function arrayTable(node: ObjectNode): HTMLElement | null {
  const shape = node.shape ?? [];
  const values = node.values;
  if (shape.length < 2 || !values) return null;
  const cols = shape[shape.length - 1];
  const lead = shape.slice(0, -1);
  const totalRows = lead.reduce((a, b) => a * b, 1);
  const rows = Math.min(totalRows, Math.floor(values.length / Math.max(1, cols)));
  const label = (r: number) => {
    const idx: number[] = [];
    let rest = r;
    for (let d = lead.length - 1; d >= 0; d--) {
      idx.unshift(rest % lead[d]);
      rest = Math.floor(rest / lead[d]);
    }
    return idx.join(', ');
  };
  const table = h(
    'table',
    { class: 'values-table', dataset: { testid: 'array-table' } },
    h(
      'thead',
      null,
      h('tr', null, h('th', null, ''), ...Array.from({ length: cols }, (_, c) => h('th', null, String(c)))),
    ),
    h(
      'tbody',
      null,
      ...Array.from({ length: rows }, (_, r) =>
        h(
          'tr',
          null,
          h('th', null, label(r)),
          ...Array.from({ length: cols }, (_, c) => {
            const v = values[r * cols + c];
            return h('td', { class: v === null ? 'nan' : typeof v === 'number' ? 'num' : '' }, fmt(v));
          }),
        ),
      ),
    ),
  );
  const note =
    rows < totalRows
      ? h(
          'p',
          { class: 'muted' },
          `Showing the first ${rows.toLocaleString('en-US')} of ${totalRows.toLocaleString('en-US')} rows.`,
        )
      : null;
  return h('div', null, table, note);
}

function renderNode(node: ObjectNode, depth: number): HTMLElement {
  const label = h(
    'span',
    { class: 'obj-label' },
    node.label !== undefined ? h('span', { class: 'obj-key' }, node.label) : null,
    node.label !== undefined ? ': ' : null,
    h('span', { class: 'obj-type' }, node.type),
    node.calendar ? h('span', { class: 'obj-summary muted' }, ` cftime (${node.calendar})`) : null,
    node.summary ? h('span', { class: 'obj-summary muted' }, ` ${node.summary}`) : null,
    node.inert
      ? h(
          'span',
          { class: 'obj-inert', title: 'Built by a callable in the pickle; the preview never runs it.' },
          icon('shield'),
          ' not run',
        )
      : null,
    node.truncated ? h('span', { class: 'muted' }, ' (truncated)') : null,
  );
  const extras: HTMLElement[] = [];
  const grid = arrayTable(node);
  if (grid) extras.push(h('div', { class: 'values-table-wrap tall' }, grid));
  else if (node.values) {
    const total = node.shape?.reduce((a, b) => a * b, 1) ?? node.length;
    extras.push(h('div', { class: 'obj-values' }, valuesLine(node.values, total)));
  }
  const table = frameTable(node);
  if (table) extras.push(h('div', { class: 'values-table-wrap tall' }, table));
  const children = node.children ?? [];
  if (children.length === 0 && extras.length === 0) return h('div', { class: 'obj-leaf' }, label);
  const d = h(
    'details',
    { class: 'obj-node' },
    h('summary', null, label),
    ...extras,
    ...children.map((c) => renderNode(c, depth + 1)),
  );
  d.open = depth < 2;
  return d;
}

export function renderObject(app: HTMLElement, tree: ObjectNode): void {
  app.append(
    h(
      'p',
      { class: 'muted notice' },
      icon('shield'),
      ' A pickle can run code when loaded; this preview reads its structure without running anything.',
    ),
    h('div', { class: 'obj-tree', dataset: { testid: 'object-tree' } }, renderNode(tree, 0)),
  );
}
