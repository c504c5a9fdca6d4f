// What every table reader (CSV, parquet) provides to the public API.

import type { RowsResult, TableModel } from '../model';

export interface ColumnSummary {
  name: string;
  dtype: string;
  min: number | string | boolean | null;
  max: number | string | boolean | null;
  nulls: number | null;
  /** Extension (CSV, counted over the rows covered): mean of numbers, counts of True / False. */
  mean?: number | null;
  trueCount?: number;
  falseCount?: number;
}

export interface ColumnSummaries {
  columns: ColumnSummary[];
  /** Where the figures come from: parquet row-group statistics, or a bounded sample of rows. */
  source: 'statistics' | 'sample' | 'full';
  /** Rows the figures cover. */
  rows: number | null;
  note?: string;
}

export interface TableHandle {
  model: TableModel;
  readRows(offset: number, limit: number): Promise<RowsResult>;
  summarize(): Promise<ColumnSummaries>;
  /** Exact row count (CSV: scans the file once, building the row index). */
  countRows(): Promise<number>;
  close(): void | Promise<void>;
}
