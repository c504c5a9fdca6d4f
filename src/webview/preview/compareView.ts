// Two artifacts side by side: one table per section (dimensions, coordinates, data variables,
// attributes; or rows and columns), differences marked, unchanged rows folded away on demand;
// then the statistics as the host streams them, with a progress bar and a Cancel button.
import type { DiffRow, DiffSection } from '../../preview/compare';
import { clear, h, section } from '../common/dom';
import { peer } from './host';
import { CancelStats, type CompareStatsPayload, type PreviewSource } from './protocol';

const MARK = { same: '', changed: '≠', added: '+', removed: '−' } as const;

function diffRow(r: DiffRow): HTMLElement {
  const status = r.pending ? 'pending' : r.status;
  return h(
    'tr',
    { class: `diff-${r.status}${r.pending ? ' diff-pending' : ''}`, dataset: { path: r.path, status } },
    h('td', { class: 'diff-mark', title: status }, r.pending ? '…' : MARK[r.status]),
    h('th', null, r.path),
    h('td', null, r.left ?? ''),
    h('td', null, r.right ?? ''),
  );
}

/** A section's table: mark, path, then the two artifacts' values under their titles. */
function diffTable(title: string, left: PreviewSource, right: PreviewSource, body: HTMLElement): HTMLElement {
  const head = h(
    'tr',
    null,
    h('th', null, ''),
    h('th', null, ''),
    h('th', null, left.title),
    h('th', null, right.title),
  );
  return h('table', { class: 'kv diff', dataset: { testid: `diff-${title}` } }, h('thead', null, head), body);
}

/** The Statistics section: empty until the host's first report, then redrawn on each. */
function statsSection(left: PreviewSource, right: PreviewSource) {
  const bar = h('progress', { attrs: { max: '1', value: '0', 'aria-label': 'Statistics read' } });
  const note = h('span', { class: 'muted', dataset: { testid: 'stats-note' } }, 'Reading statistics…');
  // Reports already on their way may still say 'running' after the click: until the host's
  // 'cancelled' the button stays disabled and the note says the reads are being stopped.
  let cancelling = false;
  const cancel = h(
    'button',
    {
      class: 'link',
      dataset: { testid: 'stats-cancel' },
      on: {
        click: () => {
          cancelling = true;
          cancel.disabled = true;
          note.textContent = 'Cancelling…';
          peer.sendNotification(CancelStats, {});
        },
      },
    },
    'Cancel',
  );
  const body = h('tbody', null);
  const table = diffTable('Statistics', left, right, body);
  const status = h('div', { class: 'stats-status', dataset: { testid: 'stats-status' } }, bar, note, cancel);
  const el = section('cmp-Statistics', 'Statistics', h('div', null, status, table), { open: true });
  const update = (p: CompareStatsPayload) => {
    bar.value = p.progress;
    bar.hidden = p.state !== 'running';
    cancel.hidden = p.state !== 'running';
    const pct = `${Math.round(p.progress * 100)} %`;
    note.textContent =
      p.state !== 'running' ? p.note : cancelling ? `${pct} · Cancelling…` : `${pct} · ${p.note}`;
    status.dataset.state = p.state;
    clear(body);
    body.append(...p.section.rows.map(diffRow));
    const changed = p.section.rows.filter((r) => r.status !== 'same' && !r.pending).length;
    el.querySelector('summary .count')?.remove();
    el.querySelector('summary')?.append(h('span', { class: 'count' }, String(changed)));
  };
  return { el, update };
}

export function renderCompare(
  app: HTMLElement,
  left: PreviewSource,
  right: PreviewSource,
  sections: DiffSection[],
): (stats: CompareStatsPayload) => void {
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
    const body = h('tbody', null, ...s.rows.map(diffRow));
    const table = diffTable(s.title, left, right, body);
    return section(`cmp-${s.title}`, s.title, s.rows.length ? table : h('p', { class: 'muted' }, '(none)'), {
      open: true,
      count: changed,
    });
  });
  onlyDiff.addEventListener('change', () => app.classList.toggle('only-diff', onlyDiff.checked));
  app.append(...tables);
  const stats = statsSection(left, right);
  app.append(stats.el);
  return stats.update;
}
