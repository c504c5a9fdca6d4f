// What is known when the data cannot be previewed: the reason, the size and the first bytes.
import type { UnsupportedModel } from '../../preview/model';
import { h, icon } from '../common/dom';

function bytes(n: number | null): string {
  if (n === null) return 'unknown size';
  return `${n.toLocaleString('en-US')} bytes`;
}

export function renderUnsupported(app: HTMLElement, model: UnsupportedModel): void {
  app.append(
    h(
      'div',
      { class: 'unsupported', role: 'alert' },
      icon('info'),
      h('span', { dataset: { testid: 'reason' } }, model.reason),
    ),
    h('p', null, 'size: ', bytes(model.sizeBytes)),
    model.head
      ? h(
          'details',
          { class: 'section', attrs: { open: '' } },
          h('summary', null, 'First bytes'),
          h('pre', { class: 'head' }, model.head),
        )
      : h('p', { class: 'muted' }, 'The data could not be read.'),
  );
}
