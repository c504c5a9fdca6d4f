// Finding CSV records by number without parsing: a byte scanner that follows quotes (a newline
// inside a quoted field does not end a record), skips blank lines as pandas does, and remembers
// the byte offset of every STEP-th record so that a page deep in a 500 MB file is one seek away.

export interface ByteSource {
  size: number;
  read(offset: number, length: number): Promise<Uint8Array>;
}

export const STEP = 1024;
const NL = 0x0a;
const CR = 0x0d;

export interface Span {
  start: number;
  end: number;
}

interface ScanState {
  pos: number;
  inQuote: boolean;
  recordStart: number;
  hasContent: boolean;
  /** After a CR outside quotes: where the record ends unless an LF follows; else -1. */
  crEnd: number;
}

export class RowIndex {
  /** offsets[k]: start of data record k * STEP. */
  readonly offsets: number[] = [];
  private scanned = 0;
  private scanPos: number;
  total: number | null = null;

  constructor(
    private readonly src: ByteSource,
    private readonly quote: number,
    /** First byte of the first data record (after the header). */
    readonly dataStart: number,
    private readonly block = 1 << 20,
  ) {
    this.scanPos = dataStart;
    this.offsets.push(dataStart);
  }

  get recordsScanned(): number {
    return this.scanned;
  }

  /**
   * Scans records from `from`, calling `onRecord(span)` for each non-blank one until it returns
   * false or the data ends. Returns the offset after the last record visited.
   */
  async scan(from: number, onRecord: (span: Span) => boolean, blockSize = this.block): Promise<number> {
    const st: ScanState = { pos: from, inQuote: false, recordStart: from, hasContent: false, crEnd: -1 };
    let size = Math.min(blockSize, 64 * 1024);
    while (st.pos < this.src.size) {
      const buf = await this.src.read(st.pos, Math.min(size, this.src.size - st.pos));
      if (buf.length === 0) break;
      const base = st.pos;
      const q = this.quote;
      for (let i = 0; i < buf.length; i++) {
        const b = buf[i];
        if (st.crEnd >= 0) {
          // A CR not followed by LF ends a record too (pandas' tokenizer: old Mac line ends).
          const end = st.crEnd;
          st.crEnd = -1;
          if (b !== NL) {
            if (st.hasContent && !onRecord({ start: st.recordStart, end })) return end;
            st.recordStart = end;
            st.hasContent = false;
          }
        }
        if (b === CR && !st.inQuote) st.crEnd = base + i + 1;
        else if (b === q) {
          st.inQuote = !st.inQuote;
          st.hasContent = true;
        } else if (b === NL && !st.inQuote) {
          const end = base + i + 1;
          if (st.hasContent) {
            if (!onRecord({ start: st.recordStart, end })) return end;
          }
          st.recordStart = end;
          st.hasContent = false;
        } else if (b !== CR) st.hasContent = true;
      }
      st.pos = base + buf.length;
      size = Math.min(size * 2, blockSize);
    }
    if (st.hasContent) onRecord({ start: st.recordStart, end: this.src.size });
    return this.src.size;
  }

  /** Makes sure the offset of record `n`'s STEP block is known (or the data ended before). */
  async ensure(n: number, blockSize?: number): Promise<void> {
    if (this.total !== null || this.scanned > n) return;
    let stopped = false;
    await this.scan(
      this.scanPos,
      (span) => {
        this.scanned++;
        this.scanPos = span.end;
        if (this.scanned % STEP === 0) this.offsets.push(span.end);
        if (this.scanned > n) {
          stopped = true;
          return false;
        }
        return true;
      },
      blockSize,
    );
    if (!stopped) this.total = this.scanned;
  }

  /** Byte spans of records [first, first + count). */
  async spans(first: number, count: number): Promise<Span[]> {
    await this.ensure(first);
    if (this.total !== null && first >= this.total) return [];
    const k = Math.floor(first / STEP);
    let skip = first - k * STEP;
    const out: Span[] = [];
    await this.scan(this.offsets[k], (span) => {
      if (skip > 0) {
        skip--;
        return true;
      }
      out.push(span);
      return out.length < count;
    });
    return out;
  }

  /** Scans to the end once: exact record count. */
  async count(): Promise<number> {
    while (this.total === null) await this.ensure(this.scanned + 1_000_000, 8 << 20);
    return this.total;
  }
}
