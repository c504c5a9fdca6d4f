// Two artifacts side by side: one table per section (dimensions, coordinates, data variables,
// attributes; or rows and columns), differences marked, unchanged rows folded away on demand.
import type { DiffSection } from '../../preview/compare';
import { h, section } from '../common/dom';
import type { PreviewSource } from './protocol';

const MARK = { same: '', changed: '≠', added: '+', removed: '−' } as const;

export function renderCompare(
  app: HTMLElement,
  left: PreviewSource,
  right: PreviewSource,
  sections: DiffSection[],
): void {
  const changes = sections.reduce((n, s) => n + s.rows.filter((r) => r.status !== 'same').length, 0);
  const onlyDiff = h('input', { attrs: { type: 'checkbox', 'aria-label': 'Only differences' } });
  app.append(
    h(
      'header',
      { class: 'top' },
      h('h1', { dataset: { testid: 'title' } }, `${left.title} ↔ ${right.title}`),
      h(
        'div',
        { class: 'facts muted', dataset: { testid: 'compare-summary' } },
        changes === 0 ? 'No differences in structure.' : `${changes} difference${changes === 1 ? '' : 's'}`,
      ),
      h('label', null, onlyDiff, ' only differences'),
    ),
  );
  const tables = sections.map((s) => {
    const changed = s.rows.filter((r) => r.status !== 'same').length;
    const body = h(
      'tbody',
      null,
      ...s.rows.map((r) =>
        h(
          'tr',
          { class: `diff-${r.status}`, dataset: { path: r.path, status: r.status } },
          h('td', { class: 'diff-mark', title: r.status }, MARK[r.status]),
          h('th', null, r.path),
          h('td', null, r.left ?? ''),
          h('td', null, r.right ?? ''),
        ),
      ),
    );
    const table = h(
      'table',
      { class: 'kv diff', dataset: { testid: `diff-${s.title}` } },
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          h('th', null, ''),
          h('th', null, ''),
          h('th', null, left.title),
          h('th', null, right.title),
        ),
      ),
      body,
    );
    return section(`cmp-${s.title}`, s.title, s.rows.length ? table : h('p', { class: 'muted' }, '(none)'), {
      open: true,
      count: changed,
    });
  });
  onlyDiff.addEventListener('change', () => app.classList.toggle('only-diff', onlyDiff.checked));
  app.append(...tables);
}
