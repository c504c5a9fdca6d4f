// An xarray-like summary of a dataset: dimensions, coordinates, data variables (with the first
// values inline), attributes; selecting a variable opens its plot below.
import { displayDtype } from '../../preview/cf/calendarTime';
import type { DatasetModel, Value, Variable } from '../../preview/model';
import { clear, fmt, h, section } from '../common/dom';
import { request } from '../common/rpc';
import type { MapUiState } from './mapView';
import { renderVariable, resetCoordCache, type VariableUiState } from './variableView';

export interface DatasetUiState {
  variable: string | null;
  slice: Record<string, number>;
  axes: [string, string] | null;
  offsets: Record<string, number>;
  collapsed: string[];
  map?: MapUiState;
}

const INLINE_VALUES = 6;

function firstValuesSelection(v: Variable): Record<string, number | [number, number]> {
  const sel: Record<string, number | [number, number]> = {};
  v.dims.forEach((d, i) => {
    sel[d] = i === v.dims.length - 1 ? [0, Math.min(INLINE_VALUES, v.shape[i])] : 0;
  });
  return sel;
}

/** Runs the inline-preview requests a few at a time so big datasets do not flood the host. */
async function fillPreviews(jobs: { name: string; v: Variable; cell: HTMLElement }[]): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const { name, v, cell } = jobs[next++];
      try {
        const r = await request<{ values: Value[] }>('readValues', {
          variable: name,
          selection: firstValuesSelection(v),
        });
        const total = v.shape.reduce((a, b) => a * b, 1);
        cell.textContent = r.values.map((x) => fmt(x, 4)).join(' ') + (total > r.values.length ? ' …' : '');
      } catch (err) {
        cell.textContent = `(${(err as Error).message})`;
        cell.classList.add('error');
      }
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
}

export function renderDataset(
  app: HTMLElement,
  model: DatasetModel,
  state: DatasetUiState,
  onState: (s: DatasetUiState) => void,
): void {
  resetCoordCache();
  const isOpen = (id: string, dflt: boolean) =>
    state.collapsed.includes(id) ? false : state.collapsed.includes(`+${id}`) ? true : dflt;
  const onToggle = (id: string, open: boolean) => {
    state.collapsed = state.collapsed.filter((x) => x !== id && x !== `+${id}`);
    state.collapsed.push(open ? `+${id}` : id);
    onState(state);
  };
  const jobs: { name: string; v: Variable; cell: HTMLElement }[] = [];
  const varPanel = h('div', { class: 'variable-panel' });

  const dims = h(
    'div',
    { class: 'dims', dataset: { testid: 'dims' } },
    ...Object.entries(model.dims).map(([d, n]) =>
      h('span', { class: 'chip', dataset: { dim: d } }, h('b', null, d), `: ${n}`),
    ),
  );

  const varTable = (vars: Record<string, Variable>, kind: 'coord' | 'data') => {
    const names = Object.keys(vars);
    if (names.length === 0) return h('p', { class: 'muted' }, '(none)');
    const rows = names.map((name) => {
      const v = vars[name];
      const preview = h('td', { class: 'preview muted' }, '…');
      jobs.push({ name, v, cell: preview });
      const tr = h(
        'tr',
        {
          class: `var-row${state.variable === name ? ' selected' : ''}`,
          tabIndex: 0,
          role: 'button',
          dataset: { name, kind },
          attrs: { 'aria-label': `Show ${name}` },
        },
        h('td', { class: 'name' }, name),
        h('td', { class: 'dims-cell' }, `(${v.dims.join(', ')})`),
        h('td', { class: 'dtype' }, displayDtype(v)),
        h('td', { class: 'shape' }, v.shape.length ? v.shape.join(' × ') : 'scalar'),
        h('td', { class: 'chunks muted' }, v.chunks ? v.chunks.join(' × ') : ''),
        preview,
      );
      const select = () => {
        state.variable = name;
        onState(state);
        for (const r of app.querySelectorAll('.var-row.selected')) r.classList.remove('selected');
        tr.classList.add('selected');
        showVariable();
        varPanel.scrollIntoView({ behavior: 'smooth', block: 'start' });
      };
      tr.addEventListener('click', select);
      tr.addEventListener('keydown', (e) => {
        if (e.key === 'Enter' || e.key === ' ') {
          e.preventDefault();
          select();
        }
      });
      return tr;
    });
    return h(
      'table',
      { class: 'vars', dataset: { testid: `${kind}-vars` } },
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          h('th', null, 'name'),
          h('th', null, 'dims'),
          h('th', null, 'dtype'),
          h('th', null, 'shape'),
          h('th', null, 'chunks'),
          h('th', null, 'first values'),
        ),
      ),
      h('tbody', null, ...rows),
    );
  };

  const attrs = Object.entries(model.attrs);
  app.append(
    section('dims', 'Dimensions', dims, {
      open: isOpen('dims', true),
      onToggle,
      count: Object.keys(model.dims).length,
    }),
    section('coords', 'Coordinates', varTable(model.coords, 'coord'), {
      open: isOpen('coords', true),
      onToggle,
      count: Object.keys(model.coords).length,
    }),
    section('data-vars', 'Data variables', varTable(model.dataVars, 'data'), {
      open: isOpen('data-vars', true),
      onToggle,
      count: Object.keys(model.dataVars).length,
    }),
    // The selected variable right under the table that selects it; global attributes after.
    varPanel,
    section(
      'attrs',
      'Attributes',
      attrs.length
        ? h(
            'table',
            { class: 'kv' },
            h(
              'tbody',
              null,
              ...attrs.map(([k, v]) =>
                h('tr', null, h('th', null, k), h('td', null, typeof v === 'string' ? v : JSON.stringify(v))),
              ),
            ),
          )
        : h('p', { class: 'muted' }, '(none)'),
      { open: isOpen('attrs', attrs.length <= 6), onToggle, count: attrs.length },
    ),
  );
  if (model.groups && model.groups.length > 0) {
    app.prepend(
      h('p', { class: 'muted' }, `Group ${model.group || '/'}; sub-groups: ${model.groups.join(', ')}`),
    );
  }

  const showVariable = () => {
    clear(varPanel);
    const name = state.variable;
    const v = name ? (model.dataVars[name] ?? model.coords[name]) : undefined;
    if (!name || !v) {
      varPanel.append(h('p', { class: 'hint muted' }, 'Select a variable to plot it.'));
      return;
    }
    const vstate: VariableUiState = {
      slice: state.slice,
      axes: state.axes,
      offsets: state.offsets,
      map: state.map,
    };
    varPanel.append(
      renderVariable({
        model,
        name,
        variable: v,
        state: vstate,
        onState: (s) => {
          state.slice = s.slice;
          state.axes = s.axes;
          state.offsets = s.offsets;
          state.map = s.map;
          onState(state);
        },
        isOpen,
        onToggle,
      }),
    );
  };
  if (!state.variable) {
    // Start on the first data variable with at least one dimension, as a user would.
    const first = Object.entries(model.dataVars).find(([, v]) => v.dims.length > 0)?.[0] ?? null;
    state.variable = first;
    if (first) app.querySelector(`.var-row[data-name="${CSS.escape(first)}"]`)?.classList.add('selected');
  }
  showVariable();
  void fillPreviews(jobs);
}
