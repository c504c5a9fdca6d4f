// The type tree of a pickled object (joblib): never executed, only described. Objects built by
// calling something are marked "not run".
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
    { class: 'values-table' },
    h(
      'thead',
      null,
      h(
        'tr',
        null,
        h('th', null, node.index?.name ?? ''),
        ...node.columns.map((c) => h('th', { title: c.dtype }, c.name)),
      ),
    ),
    h(
      'tbody',
      null,
      ...node.rows.map((row, i) =>
        h(
          'tr',
          null,
          h('th', null, fmt(node.index?.values?.[i] ?? i)),
          ...row.map((v) => h('td', { class: v === null ? 'nan' : '' }, fmt(v))),
        ),
      ),
    ),
  );
}

function renderNode(node: ObjectNode, depth: number): HTMLElement {
  const label = h(
    'span',
    { class: 'obj-label' },
    node.label !== undefined ? h('span', { class: 'obj-key' }, node.label) : null,
    node.label !== undefined ? ': ' : null,
    h('span', { class: 'obj-type' }, node.type),
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
  if (node.values) {
    const total = node.shape?.reduce((a, b) => a * b, 1) ?? node.length;
    extras.push(h('div', { class: 'obj-values' }, valuesLine(node.values, total)));
  }
  const table = frameTable(node);
  if (table) extras.push(h('div', { class: 'values-table-wrap' }, table));
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
