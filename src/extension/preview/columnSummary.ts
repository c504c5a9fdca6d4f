// The table preview's summary row: the readers' per-column figures with a sentence saying
// what they cover (parquet statistics, or a sample of the first CSV rows).
import type { ReadOptions } from '../../preview/model';
import type { ColumnStats } from '../../webview/preview/protocol';
import { previewReaders } from '../lazyModules';

export async function summarizeTableColumns(
  path: string,
  serializer: string,
  options: ReadOptions,
): Promise<{ columns: ColumnStats[]; basis: string }> {
  const s = await previewReaders().summarizeColumns(path, serializer, options);
  const rows = s.rows === null ? '' : ` (${s.rows.toLocaleString('en-US')} rows)`;
  const basis =
    s.source === 'statistics'
      ? `min/max/nulls from the parquet row-group statistics${rows}`
      : s.source === 'sample'
        ? `min/max/mean/nulls of the first rows only${rows}: a sample, not the whole file`
        : `min/max/mean/nulls and True/False counts over all rows${rows}`;
  return {
    columns: s.columns.map((c) => ({
      name: c.name,
      min: c.min,
      max: c.max,
      nulls: c.nulls,
      ...(c.mean !== undefined ? { mean: c.mean } : {}),
      ...(c.trueCount !== undefined ? { trueCount: c.trueCount, falseCount: c.falseCount } : {}),
    })),
    basis: s.note ? `${basis}. ${s.note}` : basis,
  };
}
