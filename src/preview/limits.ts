// Bounds that keep a preview from loading a whole large variable or pickle into memory.

/** readValues refuses selections with more values than this (the API promises at least 1,000,000). */
export const MAX_SELECTION_VALUES = 4_000_000;

/**
 * Chunks one readValues call may touch, and how many it reads at once: a selection of 2000x2000
 * over 1x1 chunks started 4 M opens at the same time (7 GB). 10,000 small chunks read in about
 * half a second; more would break the 2 s budget of a preview call.
 */
export const MAX_SELECTION_CHUNKS = 10_000;
export const MAX_CONCURRENT_CHUNKS = 64;

/** readRows returns at most this many rows per call. */
export const MAX_ROWS_PER_PAGE = 10_000;

/** Decompressed size up to which a compressed joblib file is unpacked for its type tree. */
export const MAX_PICKLE_BYTES = 512 * 1024 * 1024;

/** Object tree bounds: depth, children per container, values per array. */
export const TREE_MAX_DEPTH = 6;
export const TREE_MAX_CHILDREN = 50;
export const TREE_MAX_VALUES = 20;
/** Values kept of a 2-D or higher array (shown as a table), and DataFrame rows kept per frame. */
export const TREE_MAX_TABLE_VALUES = 20_000;
export const TREE_MAX_FRAME_ROWS = 1_000;
export const TREE_MAX_NODES = 2_000;

/** Open readers kept per process (zarr stores, HDF5 files, CSV row indexes...). */
export const MAX_OPEN_HANDLES = 16;

/** String variables up to this size are read whole in describe to give numpy's `<U{n}`. */
export const MAX_VLEN_SCAN = 100_000;

/** CSV rows read to infer column dtypes. */
export const CSV_SAMPLE_ROWS = 1_000;

/** Largest single piece a reader reads from disk (a chunk, a header, a CSV row span, a whole file). */
export const MAX_READ_BYTES = 256 * 1024 * 1024;

/** netCDF3 header: bytes up to which it is read (names, attributes and the variable list). */
export const MAX_NC3_HEADER_BYTES = 64 * 1024 * 1024;

/** Longest CSV row read, and most CSV text parsed in one call (a page may return fewer rows). */
export const MAX_CSV_ROW_BYTES = 16 * 1024 * 1024;
export const MAX_CSV_TEXT_BYTES = 32 * 1024 * 1024;
/**
 * Most cells in one CSV row. Counted before parsing: a 15 MB row of 7.5 M cells took 12 s and
 * 1.8 GB (a string per cell, then a name and a dtype per column); 100,000 stay within 2 s.
 */
export const MAX_CSV_COLUMNS = 100_000;
