// 1-D series as a line (uPlot). Times on either axis are days in their own CF calendar (so noleap
// and 360_day axes are evenly spaced and labelled with their real dates), other coordinates are
// x values, and without a coordinate the index is.
import uPlot from 'uplot';
import type { Calendar } from '../../preview/cf/calendars';
import { daysToIso, isoToDays, timeTicks } from '../../preview/cf/calendarTime';
import type { Value } from '../../preview/model';
import { fmt, h } from '../common/dom';

export interface LineInput {
  name: string;
  y: Value[];
  /** Coordinate values along the dimension, or null to plot against the index. */
  x: Value[] | null;
  xLabel: string;
  /** Calendars of x / y when they are decoded times (ISO text), else null. */
  xCalendar?: Calendar | null;
  yCalendar?: Calendar | null;
  height?: number;
}

function cssVar(name: string, fallback: string): string {
  return getComputedStyle(document.body).getPropertyValue(name).trim() || fallback;
}

interface Axis {
  data: (number | null)[];
  /** Tick labels for times, category labels for text coordinates. */
  time: Calendar | null;
  labels: string[] | null;
}

/** Numbers for one axis: times in calendar days, numbers as they are, anything else by index. */
export function axisData(values: Value[], cal: Calendar | null): Axis {
  if (cal) return { data: values.map((v) => isoToDays(v, cal)), time: cal, labels: null };
  if (values.every((v) => typeof v === 'number' || v === null))
    return { data: values as (number | null)[], time: null, labels: null };
  if (values.every((v) => typeof v === 'boolean' || v === null))
    return { data: values.map((v) => (v === null ? null : Number(v))), time: null, labels: null };
  return { data: values.map((_, i) => i), time: null, labels: values.map((v) => fmt(v)) };
}

/** `onTicks` hears the tick labels drawn (kept on the element for tests and screen readers). */
/** Theme colours, read at each draw so a theme change repaints in the new colours. */
const fg = () => cssVar('--vscode-foreground', '#ccc');
const gridColor = () => cssVar('--vscode-editorWidget-border', 'rgba(128,128,128,0.3)');
const lineColor = () => cssVar('--vscode-charts-blue', '#3794ff');
/**
 * High-contrast themes give the widget border (the grid colour) the same full-strength colour as
 * the data line: there the grid is thin and dotted so the series stays the one solid line.
 */
const highContrast = () =>
  document.body.classList.contains('vscode-high-contrast') ||
  document.body.classList.contains('vscode-high-contrast-light');
function applyGridStyle(plot: uPlot): void {
  const hc = highContrast();
  for (const a of plot.axes) {
    if (a.grid) Object.assign(a.grid, { dash: hc ? [1, 4] : [], width: hc ? 1 : 2 });
  }
  if (plot.series[1]) plot.series[1].width = hc ? 2.5 : 1.5;
}

function axisOptions(a: Axis, label: string, onTicks: (labels: string[]) => void): uPlot.Axis {
  const base: uPlot.Axis = { stroke: fg, grid: { stroke: gridColor }, ticks: { stroke: gridColor }, label };
  const cal = a.time;
  if (cal)
    return {
      ...base,
      size: 60,
      splits: (_u, _i, min, max) => timeTicks(min, max, cal, 7).map((t) => t.value),
      values: (_u, splits) => {
        const ticks = timeTicks(splits[0], splits[splits.length - 1], cal, 7);
        const out = splits.map(
          (s) => ticks.find((t) => t.value === s)?.label ?? daysToIso(s, cal).slice(0, 10),
        );
        onTicks(out);
        return out;
      },
    };
  const labels = a.labels;
  const text = (splits: number[]) => splits.map((s) => (labels ? (labels[Math.round(s)] ?? '') : fmt(s)));
  return {
    ...base,
    values: (_u, splits) => {
      const out = text(splits);
      onTicks(out);
      return out;
    },
  };
}

function valueText(a: Axis, v: number | null): string {
  // uPlot asks with null when the cursor is off the plot, and for missing values.
  if (v === null || v === undefined) return '–';
  if (a.time) return daysToIso(v, a.time).replace('T00:00:00', '');
  if (a.labels) return a.labels[Math.round(v)] ?? '';
  return fmt(v);
}

export function renderLinePlot(input: LineInput): HTMLElement {
  const host = h('div', {
    class: 'lineplot',
    role: 'img',
    attrs: { 'aria-label': `Line plot of ${input.name}` },
  });
  const n = input.y.length;
  const xAxis: Axis = input.x
    ? axisData(input.x, input.xCalendar ?? null)
    : { data: Array.from({ length: n }, (_, i) => i), time: null, labels: null };
  const yAxis = axisData(input.y, input.yCalendar ?? null);
  const height = input.height ?? 280;
  const width = () => Math.max(320, host.clientWidth || 640);
  const plot = new uPlot(
    {
      width: width(),
      height,
      scales: { x: { time: false }, y: { time: false } },
      legend: { show: true },
      cursor: { drag: { x: true, y: false } },
      axes: [
        axisOptions(xAxis, input.xLabel, (t) => {
          host.dataset.xTicks = JSON.stringify(t);
        }),
        axisOptions(yAxis, '', (t) => {
          host.dataset.yTicks = JSON.stringify(t);
        }),
      ],
      series: [
        { label: input.xLabel, value: (_u, v) => valueText(xAxis, v) },
        {
          label: input.name,
          stroke: lineColor,
          width: 1.5,
          spanGaps: false,
          points: { show: n <= 60 },
          value: (_u, v) => valueText(yAxis, v),
        },
      ],
    },
    [xAxis.data as number[], yAxis.data],
    host,
  );
  new ResizeObserver(() => plot.setSize({ width: width(), height })).observe(host);
  applyGridStyle(plot);
  plot.redraw(false, true);
  // VS Code marks the theme on <body>: repaint the axes and line in its colours.
  new MutationObserver(() => {
    applyGridStyle(plot);
    plot.redraw(false, true);
  }).observe(document.body, {
    attributes: true,
    attributeFilter: ['class', 'data-vscode-theme-id'],
  });
  return host;
}
