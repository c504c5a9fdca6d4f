// A parquet file (pandas + pyarrow, or any writer) as a table, with hyparquet: the footer gives
// schema, row count and row-group statistics; pages of rows decode only the column chunks (and,
// with pyarrow's ~1 MiB pages, only the pages) that hold them.

import { gunzipSync } from 'node:zlib';
import {
  type AsyncBuffer,
  type FileMetaData,
  parquetMetadataAsync,
  parquetReadObjects,
  parquetSchema,
} from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { plainCell } from '../../common/jsonSafe';
import { openRegular, readRange } from '../boundedFs';
import { civilDate, UNIX_EPOCH_JDN } from '../cf/calendars';
import { formatUnixNs } from '../cf/decodeTimes';
import { isoDateTime } from '../cf/isoFormat';
import { UnsupportedError } from '../errors';
import { MAX_ROWS_PER_PAGE } from '../limits';
import type { RowsResult, TableColumn, TableModel } from '../model';
import type { ColumnSummaries, ColumnSummary, TableHandle } from '../table/tableHandle';

const SUMMARY_SAMPLE = 10_000;

// Times as canonical ISO text (ns kept), dates as YYYY-MM-DD: never JS Dates (ms, local zones).
const parsers = {
  timestampFromMilliseconds: (v: bigint) => formatUnixNs(v * 1_000_000n),
  timestampFromMicroseconds: (v: bigint) => formatUnixNs(v * 1_000n),
  timestampFromNanoseconds: (v: bigint) => formatUnixNs(v),
  dateFromDays: (days: number) =>
    isoDateTime(civilDate('proleptic_gregorian', days + UNIX_EPOCH_JDN), 0).slice(0, 10),
};

const codecs = { ...compressors, GZIP: (input: Uint8Array) => new Uint8Array(gunzipSync(input)) };

interface PandasMeta {
  index_columns?: Array<string | { kind: string; name: string | null }>;
  columns?: Array<{
    name: string | null;
    field_name: string;
    pandas_type: string;
    numpy_type: string;
    metadata: Record<string, unknown> | null;
  }>;
}

async function fileBuffer(
  path: string,
): Promise<{ buf: AsyncBuffer; close(): Promise<void>; stats: { reads: number; bytes: number } }> {
  const fh = await openRegular(path, 'parquet file');
  const { size } = await fh.stat();
  const stats = { reads: 0, bytes: 0 };
  // A corrupt footer gives ranges past the end, backwards or empty (fs.read throws on an empty
  // buffer): refused here with the file's name, never handed to fs.
  const readSlice = async (start: number, end: number): Promise<ArrayBuffer> => {
    if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end < start || end > size)
      throw new UnsupportedError(
        `parquet file ${path}: bytes ${start}-${end} are outside the file (${size} bytes): its footer is corrupt`,
      );
    const b = await readRange(fh, start, end - start, `parquet column chunk of ${path}`);
    stats.reads++;
    stats.bytes += b.length;
    return b.buffer.slice(b.byteOffset, b.byteOffset + b.length) as ArrayBuffer;
  };
  return {
    stats,
    buf: {
      byteLength: size,
      slice(start: number, end = size): Promise<ArrayBuffer> {
        const p = readSlice(start, end);
        // hyparquet prefetches ranges it never awaits once another column has failed: without a
        // handler such a rejection is an unhandled one, which takes the extension host down.
        // Whoever awaits p still gets the error.
        p.catch(() => {});
        return p;
      },
    },
    close: () => fh.close(),
  };
}

type Schema = ReturnType<typeof parquetSchema>;

/**
 * hyparquet reads every column chunk of a row group but assembles (and so awaits) only the first
 * one per top-level schema field: a chunk naming a path not in the schema, or a second chunk of
 * the same path, fails in a promise nobody observes (an uncaught error). Refused up front.
 */
function checkColumnChunks(metadata: FileMetaData, schema: Schema): void {
  const leaves = new Set<string>();
  const walk = (node: Schema): void => {
    if (!node.children.length) leaves.add(node.path.join('\u0000'));
    for (const c of node.children) walk(c);
  };
  for (const c of schema.children) walk(c);
  metadata.row_groups.forEach((rg, g) => {
    const seen = new Set<string>();
    for (const cc of rg.columns) {
      const p = cc.meta_data?.path_in_schema;
      const key = p?.join('\u0000');
      const bad = !p
        ? 'has no metadata'
        : !leaves.has(key as string)
          ? `names ${JSON.stringify(p.join('.'))}, which is not in the schema`
          : seen.has(key as string)
            ? `repeats column ${JSON.stringify(p.join('.'))}`
            : null;
      if (bad)
        throw new UnsupportedError(`not a readable parquet file: a column chunk of row group ${g} ${bad}`);
      seen.add(key as string);
    }
  });
}

/** dtype pandas gives a column, from its pandas metadata or else its parquet schema. */
function dtypeOf(field: string, schema: Schema, pandas: PandasMeta | null): string {
  const pc = pandas?.columns?.find((c) => c.field_name === field);
  if (pc) {
    if (pc.pandas_type === 'categorical') return 'category';
    if (pc.pandas_type === 'datetimetz') {
      const tz = pc.metadata?.timezone;
      return `${pc.numpy_type.replace(/\]$/, '')}, ${tz ?? 'UTC'}]`;
    }
    return pc.numpy_type;
  }
  const node = schema.children.find((c) => c.element.name === field);
  const el = node?.element;
  if (!el) return 'object';
  if (node.children.length) return 'object';
  const lt = el.logical_type as { type: string; isAdjustedToUTC?: boolean; unit?: string } | undefined;
  if (lt?.type === 'TIMESTAMP')
    return `datetime64[${lt.unit === 'MILLIS' ? 'ms' : lt.unit === 'MICROS' ? 'us' : 'ns'}${lt.isAdjustedToUTC ? ', UTC' : ''}]`;
  switch (el.type) {
    case 'BOOLEAN':
      return el.repetition_type === 'OPTIONAL' ? 'object' : 'bool';
    case 'INT32':
    case 'INT64':
      if (lt?.type === 'DATE' || el.converted_type === 'DATE') return 'object';
      return el.repetition_type === 'OPTIONAL' ? 'float64' : el.type === 'INT32' ? 'int32' : 'int64';
    case 'FLOAT':
      return 'float32';
    case 'DOUBLE':
      return 'float64';
    default:
      return 'object';
  }
}

function isUtc(field: string, schema: Schema): boolean {
  const lt = schema.children.find((c) => c.element.name === field)?.element.logical_type as
    | { type: string; isAdjustedToUTC?: boolean }
    | undefined;
  return lt?.type === 'TIMESTAMP' && lt.isAdjustedToUTC === true;
}

function statValue(v: unknown, utc: boolean): number | string | boolean | null {
  if (v === undefined || v === null) return null;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string') return utc && /^\d{4}-\d\d-\d\dT/.test(v) ? `${v}Z` : v;
  if (typeof v === 'number' || typeof v === 'boolean') return v;
  if (v instanceof Date) return v.toISOString();
  if (v instanceof Uint8Array) return new TextDecoder().decode(v);
  return String(v);
}

/** What the footer says about the columns, shared by the row reader and the summaries. */
interface ParquetTable {
  buf: AsyncBuffer;
  metadata: FileMetaData;
  /** Parquet field names, in schema order. */
  fields: string[];
  /** The names pandas shows (its metadata can rename a field). */
  names: string[];
  columns: TableColumn[];
  /** Timestamp fields adjusted to UTC: their ISO text gets a `Z`. */
  utc: boolean[];
}

export async function openParquet(
  path: string,
): Promise<TableHandle & { stats: { reads: number; bytes: number } }> {
  const { buf, close, stats } = await fileBuffer(path);
  const { metadata, schema } = await readFooter(buf, close);
  const pandas = pandasMetaOf(metadata);
  const fields = schema.children.map((c) => c.element.name);
  const displayName = (field: string): string => {
    const pc = pandas?.columns?.find((c) => c.field_name === field);
    return pc && pc.name !== null && pc.name !== undefined ? String(pc.name) : field;
  };
  const names = fields.map(displayName);
  const columns: TableColumn[] = fields.map((f, i) => ({
    name: names[i],
    dtype: dtypeOf(f, schema, pandas),
  }));
  const indexFields = (pandas?.index_columns ?? []).filter((c): c is string => typeof c === 'string');
  const model: TableModel = {
    kind: 'table',
    columns,
    rowCount: Number(metadata.num_rows),
    index: indexFields.filter((f) => fields.includes(f)).map(displayName),
  };
  const utc = fields.map((f) => isUtc(f, schema));
  const table: ParquetTable = { buf, metadata, fields, names, columns, utc };
  const readRows = (offset: number, limit: number): Promise<RowsResult> =>
    readTableRows(table, offset, limit);
  return {
    model,
    stats,
    readRows,
    async summarize(): Promise<ColumnSummaries> {
      const { cols, complete } = statisticsSummaries(table);
      if (complete) return { columns: cols, source: 'statistics', rows: Number(metadata.num_rows) };
      // No statistics in the file: the first rows are the best cheap answer.
      const { rows } = await readRows(0, SUMMARY_SAMPLE);
      const full = rows.length >= Number(metadata.num_rows);
      return {
        columns: sampledSummaries(cols, rows),
        source: full ? 'full' : 'sample',
        rows: rows.length,
        note: 'some columns have no row-group statistics: figures for them come from the first rows',
      };
    },
    async countRows() {
      return Number(metadata.num_rows);
    },
    close,
  };
}

/** The footer only; the file is closed when it cannot be read, as nothing else will close it. */
async function readFooter(
  buf: AsyncBuffer,
  close: () => Promise<void>,
): Promise<{ metadata: FileMetaData; schema: Schema }> {
  try {
    const metadata = await parquetMetadataAsync(buf, { parsers });
    const schema = parquetSchema(metadata);
    checkColumnChunks(metadata, schema);
    return { metadata, schema };
  } catch (err) {
    await close();
    if (err instanceof UnsupportedError) throw err;
    throw new UnsupportedError(`not a readable parquet file: ${(err as Error).message}`);
  }
}

/** pandas' own metadata, when a pandas writer left it; unreadable JSON is treated as absent. */
function pandasMetaOf(metadata: FileMetaData): PandasMeta | null {
  const pandasText = metadata.key_value_metadata?.find((kv) => kv.key === 'pandas')?.value;
  try {
    return pandasText ? (JSON.parse(pandasText) as PandasMeta) : null;
  } catch {
    return null;
  }
}

/** One page of rows, clamped to the file and to MAX_ROWS_PER_PAGE. */
async function readTableRows(t: ParquetTable, offset: number, limit: number): Promise<RowsResult> {
  const { fields, names, utc } = t;
  const total = Number(t.metadata.num_rows);
  const rowStart = Math.max(0, Math.min(Math.floor(offset), total));
  const rowEnd = Math.min(total, rowStart + Math.max(0, Math.min(Math.floor(limit), MAX_ROWS_PER_PAGE)));
  if (rowEnd <= rowStart) return { columns: names, rows: [] };
  const objs = await parquetReadObjects({
    file: t.buf,
    metadata: t.metadata,
    rowStart,
    rowEnd,
    compressors: codecs,
    parsers,
  }).catch((err: unknown) => {
    if (err instanceof UnsupportedError) throw err;
    throw new UnsupportedError(
      `parquet rows ${rowStart}-${rowEnd} cannot be decoded: ${(err as Error).message}`,
    );
  });
  const rows = objs.map((o) =>
    fields.map((f, j) => {
      const v = plainCell(o[f]);
      return utc[j] && typeof v === 'string' && /^\d{4}-\d\d-\d\dT/.test(v) ? `${v}Z` : v;
    }),
  );
  return { columns: names, rows };
}

/**
 * Min, max and nulls from the row-group statistics in the footer (no data read). A column that
 * lacks them in any row group gets no min/max and makes the whole answer incomplete.
 */
function statisticsSummaries(t: ParquetTable): { cols: ColumnSummary[]; complete: boolean } {
  const cols: ColumnSummary[] = [];
  let complete = true;
  t.fields.forEach((f, j) => {
    let min: ColumnSummary['min'] = null;
    let max: ColumnSummary['max'] = null;
    let nulls: number | null = 0;
    let have = true;
    for (const rg of t.metadata.row_groups) {
      const cc = rg.columns.find((c) => c.meta_data?.path_in_schema[0] === f);
      const st = cc?.meta_data?.statistics;
      const lo = statValue(st?.min_value ?? st?.min, t.utc[j]);
      const hi = statValue(st?.max_value ?? st?.max, t.utc[j]);
      if (!st || lo === null || hi === null) {
        have = false;
        if (st?.null_count !== undefined && nulls !== null) nulls += Number(st.null_count);
        else nulls = null;
        continue;
      }
      if (min === null || lo < min) min = lo;
      if (max === null || hi > max) max = hi;
      if (nulls !== null) nulls = st.null_count !== undefined ? nulls + Number(st.null_count) : null;
    }
    if (!have) {
      complete = false;
      min = null;
      max = null;
    }
    cols.push({ name: t.names[j], dtype: t.columns[j].dtype, min, max, nulls });
  });
  return { cols, complete };
}

/** Columns without statistics get min, max and nulls from the sampled rows. */
function sampledSummaries(cols: ColumnSummary[], rows: RowsResult['rows']): ColumnSummary[] {
  return cols.map((c, j) => {
    if (c.min !== null) return c;
    let min: ColumnSummary['min'] = null;
    let max: ColumnSummary['max'] = null;
    let nulls = 0;
    for (const r of rows) {
      const v = r[j];
      if (v === null) {
        nulls++;
        continue;
      }
      if (typeof v !== 'number' && typeof v !== 'string') continue;
      if (min === null || v < (min as typeof v)) min = v;
      if (max === null || v > (max as typeof v)) max = v;
    }
    return { ...c, min, max, nulls };
  });
}
