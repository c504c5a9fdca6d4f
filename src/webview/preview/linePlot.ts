// 1-D variables as a line (uPlot): time coordinates on a date axis, other coordinates as x
// values, or the index when there is no coordinate.
import uPlot from 'uplot';
import type { Value } from '../../preview/model';
import { fmt, h } from '../common/dom';
import { isoToMs } from './timeAxis';

export interface LineInput {
  name: string;
  y: Value[];
  /** Coordinate values along the dimension, or null to plot against the index. */
  x: Value[] | null;
  xLabel: string;
}

function cssVar(name: string, fallback: string): string {
  return getComputedStyle(document.body).getPropertyValue(name).trim() || fallback;
}

export function renderLinePlot(input: LineInput): HTMLElement {
  const host = h('div', {
    class: 'lineplot',
    role: 'img',
    attrs: { 'aria-label': `Line plot of ${input.name}` },
  });
  const n = input.y.length;
  const ys = input.y.map((v) => (typeof v === 'number' ? v : typeof v === 'boolean' ? Number(v) : null));
  let xs: number[];
  let time = false;
  let labels: string[] | null = null;
  const xms = input.x?.map(isoToMs);
  if (input.x && xms?.every((v) => v !== null)) {
    xs = (xms as number[]).map((ms) => ms / 1000);
    time = true;
  } else if (input.x?.every((v) => typeof v === 'number')) {
    xs = input.x as number[];
  } else {
    xs = Array.from({ length: n }, (_, i) => i);
    if (input.x) labels = input.x.map((v) => fmt(v));
  }
  const fg = cssVar('--vscode-foreground', '#ccc');
  const grid = cssVar('--vscode-editorWidget-border', 'rgba(128,128,128,0.3)');
  const line = cssVar('--vscode-charts-blue', '#3794ff');
  const width = () => Math.max(320, host.clientWidth || 640);
  const plot = new uPlot(
    {
      width: width(),
      height: 280,
      scales: { x: { time } },
      legend: { show: true },
      cursor: { drag: { x: true, y: false } },
      axes: [
        {
          stroke: fg,
          grid: { stroke: grid },
          ticks: { stroke: grid },
          label: input.xLabel,
          ...(labels
            ? { values: (_u: uPlot, splits: number[]) => splits.map((s) => labels?.[Math.round(s)] ?? '') }
            : {}),
        },
        { stroke: fg, grid: { stroke: grid }, ticks: { stroke: grid } },
      ],
      series: [
        {
          label: input.xLabel,
          ...(labels ? { value: (_u: uPlot, v: number) => labels?.[Math.round(v)] ?? '' } : {}),
        },
        {
          label: input.name,
          stroke: line,
          width: 1.5,
          spanGaps: false,
          value: (_u: uPlot, v: number | null) => (v === null ? 'NaN' : fmt(v)),
        },
      ],
    },
    [xs, ys as (number | null)[]],
    host,
  );
  new ResizeObserver(() => plot.setSize({ width: width(), height: 280 })).observe(host);
  return host;
}
