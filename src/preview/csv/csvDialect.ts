// How a CSV was written, from the artifact's dump_kwargs (pandas DataFrame.to_csv arguments), so
// the preview reads it back the way it was meant (xpersist's own get() does not: docs/xpersist-format.md, "What load does not undo").

import { UnsupportedError } from '../errors';

export interface CsvDialect {
  delimiter: string;
  quote: string;
  encoding: string;
  /** Number of leading index columns (0 when written with index=False). */
  indexColumns: number;
  header: boolean | string[];
  naValues: Set<string>;
  decimal: string;
  compression: 'none' | 'gzip' | 'bz2' | 'xz' | 'zip' | 'zstd';
}

/** pandas.read_csv's default NA strings (pandas 2.x). */
export const PANDAS_NA = [
  '',
  '#N/A',
  '#N/A N/A',
  '#NA',
  '-1.#IND',
  '-1.#QNAN',
  '-NaN',
  '-nan',
  '1.#IND',
  '1.#QNAN',
  '<NA>',
  'N/A',
  'NA',
  'NULL',
  'NaN',
  'None',
  'n/a',
  'nan',
  'null',
];

function compressionOf(path: string, value: unknown): CsvDialect['compression'] {
  const c = typeof value === 'object' && value !== null ? (value as { method?: unknown }).method : value;
  if (c === null || c === false || c === 'none') return 'none';
  if (typeof c === 'string' && c !== 'infer') {
    if (c === 'gzip' || c === 'bz2' || c === 'xz' || c === 'zip' || c === 'zstd') return c;
    throw new UnsupportedError(`CSV compression '${c}' is not supported`);
  }
  const ext = /\.(gz|bz2|xz|zip|zst|tar)$/i.exec(path)?.[1]?.toLowerCase();
  return ext === 'gz'
    ? 'gzip'
    : ext === 'zst'
      ? 'zstd'
      : ext === 'bz2' || ext === 'xz' || ext === 'zip'
        ? ext
        : 'none';
}

export function csvDialect(
  path: string,
  dump: Record<string, unknown> = {},
  load: Record<string, unknown> = {},
): CsvDialect {
  const pick = (k: string, alt?: string) =>
    load[k] ?? (alt ? load[alt] : undefined) ?? dump[k] ?? (alt ? dump[alt] : undefined);
  const sep = pick('sep', 'delimiter');
  const delimiter =
    typeof sep === 'string' && sep.length > 0 ? sep : path.toLowerCase().endsWith('.tsv') ? '\t' : ',';
  if (delimiter.length !== 1)
    throw new UnsupportedError(`CSV separator ${JSON.stringify(delimiter)} is not a single character`);
  const quote = typeof pick('quotechar') === 'string' ? (pick('quotechar') as string) : '"';
  const encoding = typeof pick('encoding') === 'string' ? (pick('encoding') as string) : 'utf-8';
  // read_csv's index_col (load) wins; else to_csv's index (dump): written unless index=False.
  let indexColumns = 1;
  const indexCol = load.index_col;
  if (indexCol === false || indexCol === null) indexColumns = 0;
  else if (typeof indexCol === 'number') indexColumns = indexCol + 1;
  else if (Array.isArray(indexCol)) indexColumns = indexCol.length;
  else if (dump.index === false) indexColumns = 0;
  else if (Array.isArray(dump.index_label)) indexColumns = dump.index_label.length;
  const headerKw = pick('header');
  const header =
    headerKw === false || headerKw === null ? false : Array.isArray(headerKw) ? headerKw.map(String) : true;
  const naValues = new Set(PANDAS_NA);
  const naRep = dump.na_rep;
  if (typeof naRep === 'string') naValues.add(naRep);
  const decimal = typeof pick('decimal') === 'string' ? (pick('decimal') as string) : '.';
  return {
    delimiter,
    quote,
    encoding,
    indexColumns,
    header,
    naValues,
    decimal,
    compression: compressionOf(path, pick('compression')),
  };
}
