// The preview panel's webview: receives the model, renders the view for its kind, and keeps
// what the user chose (variable, slice, scroll) in setState so it survives hiding and reloads.
import 'uplot/dist/uPlot.min.css';
import '../common/cspReport';
import './preview.css';
import { formatBytes } from '../../common/format';
import { clear, h, icon } from '../common/dom';
import { vscodeApi } from '../common/vscodeApi';
import { renderCompare } from './compareView';
import { type DatasetUiState, renderDataset } from './datasetView';
import { peer } from './host';
import { mapStateOf } from './mapView';
import { renderObject } from './objectView';
import {
  CompareStats,
  type CompareStatsPayload,
  OpenSidecar,
  Pin,
  PreviewError,
  type PreviewSource,
  type PreviewUiState,
  Ready,
  RevealInExplorer,
  SaveState,
  ShowCompare,
  ShowPreview,
} from './protocol';
import { renderTable } from './tableView';
import { renderUnsupported } from './unsupportedView';

const api = vscodeApi<PreviewUiState>();
const app = document.getElementById('app') as HTMLElement;
let state: PreviewUiState = api.getState() ?? {};

function saveState(patch: Partial<PreviewUiState>): void {
  state = { ...state, ...patch };
  api.setState(state);
  peer.sendNotification(SaveState, state);
}

function header(source: PreviewSource): HTMLElement {
  const a = source.artifact;
  const facts = [
    source.serializer,
    source.sizeBytes === null ? null : formatBytes(source.sizeBytes),
    a?.createdAt ? `created ${a.createdAt.replace('T', ' ')} UTC` : null,
    a ? `store ${a.storeName}` : null,
  ].filter(Boolean);
  return h(
    'header',
    { class: 'top' },
    h('h1', { dataset: { testid: 'title' } }, source.title),
    h('div', { class: 'facts muted' }, facts.join(' · ')),
    h(
      'div',
      { class: 'actions' },
      a
        ? h(
            'button',
            {
              class: 'link',
              on: { click: () => peer.sendNotification(OpenSidecar, {}) },
              title: 'Open the sidecar JSON',
            },
            icon('json'),
            ' Sidecar',
          )
        : null,
      h(
        'button',
        {
          class: 'link',
          on: { click: () => peer.sendNotification(RevealInExplorer, {}) },
          title: 'Reveal the data',
        },
        icon('go-to-file'),
        ' Reveal',
      ),
    ),
    a && Object.keys(a.dumpKwargs).length
      ? h('div', { class: 'facts muted' }, 'dump_kwargs ', h('code', null, JSON.stringify(a.dumpKwargs)))
      : null,
  );
}

/** The compare view's statistics updater, once a compare is shown. */
let updateStats: ((p: CompareStatsPayload) => void) | null = null;

peer.onNotification(PreviewError, ({ source, message }) => {
  clear(app);
  if (source) app.append(header(source));
  app.append(
    h(
      'div',
      { class: 'unsupported', role: 'alert' },
      icon('error'),
      h('span', { dataset: { testid: 'reason' } }, message),
    ),
  );
});
peer.onNotification(ShowCompare, ({ left, right, sections }) => {
  clear(app);
  updateStats = renderCompare(app, left, right, sections);
});
peer.onNotification(CompareStats, (p) => updateStats?.(p));
peer.onNotification(ShowPreview, (msg) => {
  const { source, model } = msg;
  // The host's copy wins only when this webview has nothing (a reload through the serializer); a
  // reused preview tab drops what it held for the previous artifact.
  const target = msg.state?.target;
  if (target && state.target && JSON.stringify(target) !== JSON.stringify(state.target)) state = {};
  state = { ...(msg.state ?? {}), ...state, target: target ?? state.target };
  api.setState(state);
  clear(app);
  app.append(header(source));
  const body = h('div', { class: `body kind-${model.kind}`, dataset: { kind: model.kind } });
  app.append(body);
  switch (model.kind) {
    case 'dataset': {
      const ds: DatasetUiState = {
        variable: state.variable ?? null,
        slice: state.slice ?? {},
        axes: state.axes ?? null,
        offsets: state.offsets ?? {},
        collapsed: state.collapsed ?? [],
        map: mapStateOf(state.map),
      };
      renderDataset(body, model, ds, (s) =>
        saveState({
          variable: s.variable,
          slice: s.slice,
          axes: s.axes,
          offsets: s.offsets,
          collapsed: s.collapsed,
          map: s.map,
        }),
      );
      break;
    }
    case 'table':
      renderTable(body, model, { tableRow: state.tableRow ?? 0 }, (s) => saveState({ tableRow: s.tableRow }));
      break;
    case 'object':
      renderObject(body, model.tree);
      break;
    default:
      renderUnsupported(body, model);
  }
});

window.addEventListener('message', (ev) => void peer.receive(ev.data));

// Changing the view is an edit: it pins a preview tab, as typing pins a preview editor in VS Code.
let pinned = false;
const pin = () => {
  if (pinned) return;
  pinned = true;
  peer.sendNotification(Pin, {});
};
document.addEventListener('change', pin, true);
document.addEventListener(
  'click',
  (ev) => {
    const t = ev.target as Element | null;
    if (t?.closest('.var-row, [role="columnheader"], canvas, details > summary, button')) pin();
  },
  true,
);
peer.sendNotification(Ready, state);
