// A tiny DOM builder. Strings always become text nodes: nothing from a cache (keys, attrs,
// column names, values) is ever parsed as HTML.

type Child = Node | string | number | null | undefined | false;

export interface Props {
  class?: string;
  title?: string;
  id?: string;
  role?: string;
  tabIndex?: number;
  attrs?: Record<string, string>;
  dataset?: Record<string, string>;
  style?: Partial<CSSStyleDeclaration>;
  on?: { [K in keyof HTMLElementEventMap]?: (ev: HTMLElementEventMap[K]) => void };
}

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Props | null = null,
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (props) {
    if (props.class) el.className = props.class;
    if (props.title) el.title = props.title;
    if (props.id) el.id = props.id;
    if (props.role) el.setAttribute('role', props.role);
    if (props.tabIndex !== undefined) el.tabIndex = props.tabIndex;
    for (const [k, v] of Object.entries(props.attrs ?? {})) el.setAttribute(k, v);
    for (const [k, v] of Object.entries(props.dataset ?? {})) el.dataset[k] = v;
    if (props.style) Object.assign(el.style, props.style);
    for (const [k, fn] of Object.entries(props.on ?? {})) el.addEventListener(k, fn as EventListener);
  }
  append(el, ...children);
  return el;
}

export function append(el: Element, ...children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    el.append(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
  }
}

export function clear(el: Element): void {
  while (el.firstChild) el.firstChild.remove();
}

export function icon(name: string, label?: string): HTMLElement {
  const i = h('span', {
    class: `codicon codicon-${name}`,
    attrs: { 'aria-hidden': label ? 'false' : 'true' },
  });
  if (label) i.setAttribute('aria-label', label);
  return i;
}

/** A collapsible section (<details>) whose open state is remembered by `id`. */
export function section(
  id: string,
  title: Child,
  body: Child,
  opts: { open: boolean; onToggle?: (id: string, open: boolean) => void; count?: number },
): HTMLDetailsElement {
  const d = h(
    'details',
    { class: 'section', dataset: { section: id } },
    h(
      'summary',
      null,
      title,
      opts.count !== undefined ? h('span', { class: 'count' }, String(opts.count)) : null,
    ),
    h('div', { class: 'section-body' }, body),
  );
  d.open = opts.open;
  d.addEventListener('toggle', () => opts.onToggle?.(id, d.open));
  return d;
}

/** Formats a value for a cell or an inline preview. */
export function fmt(v: unknown, digits = 6): string {
  if (v === null || v === undefined) return 'NaN';
  if (typeof v === 'number') {
    if (Number.isInteger(v)) return String(v);
    const a = Math.abs(v);
    if (a !== 0 && (a < 1e-4 || a >= 1e7)) return v.toExponential(Math.max(1, digits - 2));
    return String(Number(v.toPrecision(digits)));
  }
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  return JSON.stringify(v);
}
