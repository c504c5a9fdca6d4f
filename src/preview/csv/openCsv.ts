// A CSV written by pandas (DataFrame.to_csv) as a table: header and dtypes from a bounded sample,
// pages of rows found through the row index (never parsing the whole file), parsed by papaparse.

import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import Papa from 'papaparse';
import { openRegular, readRange, readWhole } from '../boundedFs';
import { UnsupportedError } from '../errors';
import {
  CSV_SAMPLE_ROWS,
  MAX_CSV_COLUMNS,
  MAX_CSV_ROW_BYTES,
  MAX_CSV_TEXT_BYTES,
  MAX_PICKLE_BYTES,
  MAX_ROWS_PER_PAGE,
} from '../limits';
import type { RowsResult, TableModel } from '../model';
import type { ColumnSummaries, ColumnSummary, TableHandle } from '../table/tableHandle';
import { type CsvDialect, csvDialect } from './csvDialect';
import { textDecoder } from './decodeText';
import { type CsvDtype, convertCell, inferDtype, pandasColumnNames } from './inferTypes';
import { type ByteSource, RowIndex, type Span } from './rowIndex';

const gunzipAsync = promisify(gunzip);
/** Files this small are counted at open: the panel gets an exact row count at once. */
const COUNT_AT_OPEN = 8 * 1024 * 1024;
const SUMMARY_SAMPLE = 10_000;

async function byteSource(path: string, d: CsvDialect): Promise<{ src: ByteSource; close(): Promise<void> }> {
  if (d.compression === 'none') {
    const fh = await openRegular(path, 'CSV file');
    const { size } = await fh.stat();
    return {
      src: { size, read: (offset, length) => readRange(fh, offset, length, 'CSV text') },
      close: () => fh.close(),
    };
  }
  if (d.compression !== 'gzip')
    throw new UnsupportedError(`${d.compression}-compressed CSV is not supported for preview`);
  const packed = await readWhole(path, 'gzip-compressed CSV');
  // gunzip's maxOutputLength keeps a zip bomb from filling memory.
  const data = await gunzipAsync(packed, { maxOutputLength: MAX_PICKLE_BYTES, chunkSize: 1 << 20 }).catch(
    (err: Error) => {
      throw new UnsupportedError(`gzip-compressed CSV could not be decompressed: ${err.message}`);
    },
  );
  return {
    src: { size: data.length, read: async (o, l) => data.subarray(o, o + l) },
    close: async () => {},
  };
}

/**
 * The leading spans whose text fits MAX_CSV_TEXT_BYTES (a page may come back shorter); one row
 * longer than MAX_CSV_ROW_BYTES is refused: no preview needs it, and reading it whole could abort.
 */
function boundSpans(spans: Span[]): Span[] {
  const out: Span[] = [];
  for (const s of spans) {
    if (s.end - s.start > MAX_CSV_ROW_BYTES)
      throw new UnsupportedError(
        `a CSV row is ${s.end - s.start} bytes long (at byte ${s.start}), more than the ${MAX_CSV_ROW_BYTES} a preview reads`,
      );
    if (out.length > 0 && s.end - out[0].start > MAX_CSV_TEXT_BYTES) break;
    out.push(s);
  }
  return out;
}

/**
 * Refuses text holding a row of more than MAX_CSV_COLUMNS cells before papaparse makes a string
 * of each. One pass without allocating; a delimiter inside quotes does not count, a CR or LF
 * outside them ends a row. With a delimiter other than one character the parsed rows are trusted.
 */
export function refuseWideRows(text: string, delimiter: string, quote: string): void {
  if (delimiter.length !== 1) return;
  const delim = delimiter.charCodeAt(0);
  const q = quote.length === 1 ? quote.charCodeAt(0) : -1;
  let cells = 1;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === q) quoted = !quoted;
    else if (quoted) continue;
    else if (c === delim) {
      if (++cells > MAX_CSV_COLUMNS)
        throw new UnsupportedError(
          `a CSV row has more than ${MAX_CSV_COLUMNS.toLocaleString('en-US')} columns (the most a preview shows)`,
        );
    } else if (c === 10 || c === 13) cells = 1;
  }
}

export async function openCsv(
  path: string,
  dump: Record<string, unknown> = {},
  load: Record<string, unknown> = {},
): Promise<TableHandle> {
  const d = csvDialect(path, dump, load);
  const decode = textDecoder(d.encoding);
  const { src, close } = await byteSource(path, d);
  try {
    const quote = d.quote.charCodeAt(0);
    const head = new RowIndex(src, quote, 0);
    const parse = (text: string): string[][] =>
      Papa.parse<string[]>(text, {
        delimiter: d.delimiter,
        quoteChar: d.quote,
        escapeChar: d.quote,
        skipEmptyLines: true,
      }).data;
    const textOf = async (spans: Span[]): Promise<string> => {
      const kept = boundSpans(spans);
      if (kept.length === 0) return '';
      const start = kept[0].start;
      const text = decode(await src.read(start, kept[kept.length - 1].end - start));
      refuseWideRows(text, d.delimiter, d.quote);
      return text;
    };
    let headerCells: string[] = [];
    let dataStart = 0;
    if (d.header === true) {
      const first = await head.spans(0, 1);
      if (first.length === 0) throw new UnsupportedError('the CSV file is empty');
      headerCells = parse(await textOf(first))[0] ?? [];
      dataStart = first[0].end;
    }
    const index = new RowIndex(src, quote, dataStart);
    const sampleRows = parse(await textOf(await index.spans(0, CSV_SAMPLE_ROWS)));
    const width = Math.max(headerCells.length, ...sampleRows.slice(0, 50).map((r) => r.length), 0);
    if (width === 0) throw new UnsupportedError('the CSV file has no columns');
    let names: string[];
    if (Array.isArray(d.header)) names = d.header;
    else if (d.header === false) names = Array.from({ length: width }, (_, i) => String(i));
    else
      names = pandasColumnNames([
        ...headerCells,
        ...Array.from({ length: width - headerCells.length }, () => ''),
      ]);
    const dtypes: CsvDtype[] = names.map((_, j) =>
      inferDtype(
        sampleRows.map((r) => r[j] ?? ''),
        d.naValues,
        d.decimal,
      ),
    );
    if (src.size <= COUNT_AT_OPEN) await index.count();
    const model: TableModel = {
      kind: 'table',
      columns: names.map((name, j) => ({ name, dtype: dtypes[j] })),
      rowCount: index.total,
      index: names.slice(0, Math.min(d.indexColumns, names.length)),
      dtypesFromSample: index.total === null || index.total > CSV_SAMPLE_ROWS,
    };
    const convertRow = (r: string[]): unknown[] =>
      names.map((_, j) => convertCell(r[j], dtypes[j], d.naValues, d.decimal));
    const readRows = async (offset: number, limit: number): Promise<RowsResult> => {
      const n = Math.max(0, Math.min(Math.floor(limit), MAX_ROWS_PER_PAGE));
      const first = Math.max(0, Math.floor(offset));
      const spans = n > 0 ? await index.spans(first, n) : [];
      const rows = parse(await textOf(spans)).map(convertRow);
      if (index.total !== null) model.rowCount = index.total;
      return { columns: names, rows };
    };
    return {
      model,
      readRows,
      async summarize(): Promise<ColumnSummaries> {
        const { rows } = await readRows(0, SUMMARY_SAMPLE);
        const cols: ColumnSummary[] = names.map((name, j) => {
          let min: number | string | boolean | null = null;
          let max: number | string | boolean | null = null;
          let nulls = 0;
          let sum = 0;
          let numbers = 0;
          let trues = 0;
          let falses = 0;
          for (const r of rows) {
            const v = r[j];
            if (v === null || (typeof v === 'number' && Number.isNaN(v))) {
              nulls++;
              continue;
            }
            if (typeof v === 'boolean') {
              if (v) trues++;
              else falses++;
              continue;
            }
            if (typeof v !== 'number' && typeof v !== 'string') continue;
            if (typeof v === 'number') {
              sum += v;
              numbers++;
            }
            if (min === null || v < (min as typeof v)) min = v;
            if (max === null || v > (max as typeof v)) max = v;
          }
          if (dtypes[j] === 'bool')
            return { name, dtype: dtypes[j], min, max, nulls, trueCount: trues, falseCount: falses };
          if (dtypes[j] === 'object') return { name, dtype: dtypes[j], min, max, nulls };
          return { name, dtype: dtypes[j], min, max, nulls, mean: numbers ? sum / numbers : null };
        });
        const full = index.total !== null && rows.length >= index.total;
        return {
          columns: cols,
          source: full ? 'full' : 'sample',
          rows: rows.length,
          note: full ? undefined : `first ${rows.length.toLocaleString('en-US')} rows only`,
        };
      },
      async countRows() {
        const n = await index.count();
        model.rowCount = n;
        return n;
      },
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}
