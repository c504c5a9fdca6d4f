// pandas.read_csv's type inference for the common cases, run on a bounded sample of rows:
// int64, float64 (ints with missing values too), bool, else object. Dates stay object, as pandas
// leaves them without parse_dates.

export type CsvDtype = 'int64' | 'float64' | 'bool' | 'object';

const INT = /^[+-]?\d+$/;
const FLOAT = /^[+-]?(\d+\.?\d*([eE][+-]?\d+)?|\.\d+([eE][+-]?\d+)?|inf|infinity)$/i;
const TRUE = new Set(['True', 'TRUE', 'true']);
const FALSE = new Set(['False', 'FALSE', 'false']);
const INT64_MAX = 9223372036854775807n;

function isInt(s: string): boolean {
  if (!INT.test(s)) return false;
  const b = BigInt(s);
  return b <= INT64_MAX && b >= -INT64_MAX - 1n;
}

export function inferDtype(values: string[], na: Set<string>, decimal = '.'): CsvDtype {
  let present = 0;
  let missing = 0;
  let ints = true;
  let floats = true;
  let bools = true;
  for (const raw of values) {
    if (na.has(raw)) {
      missing++;
      continue;
    }
    present++;
    const s = decimal === '.' ? raw.trim() : raw.trim().replace(decimal, '.');
    if (ints && !isInt(s)) ints = false;
    if (floats && !FLOAT.test(s)) floats = false;
    if (bools && !TRUE.has(raw) && !FALSE.has(raw)) bools = false;
    if (!ints && !floats && !bools) return 'object';
  }
  if (present === 0) return 'float64';
  if (ints) return missing ? 'float64' : 'int64';
  if (floats) return 'float64';
  if (bools) return missing ? 'object' : 'bool';
  return 'object';
}

/** One cell as the preview shows it: numbers, booleans, strings; null when missing. */
export function convertCell(
  raw: string | undefined,
  dtype: CsvDtype,
  na: Set<string>,
  decimal = '.',
): unknown {
  if (raw === undefined || na.has(raw)) return null;
  switch (dtype) {
    case 'int64':
    case 'float64': {
      const s = (decimal === '.' ? raw : raw.replace(decimal, '.')).trim();
      if (/^[+-]?inf(inity)?$/i.test(s))
        return s.startsWith('-') ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
      const n = Number(s);
      return Number.isNaN(n) ? raw : n;
    }
    case 'bool':
      return TRUE.has(raw) ? true : FALSE.has(raw) ? false : raw;
    default:
      return raw;
  }
}

/** pandas names for header cells: "Unnamed: i" for blanks, ".1", ".2" suffixes for duplicates. */
export function pandasColumnNames(cells: string[]): string[] {
  const seen = new Map<string, number>();
  return cells.map((c, i) => {
    let name = c === '' ? `Unnamed: ${i}` : c;
    const n = seen.get(name);
    if (n !== undefined) {
      seen.set(name, n + 1);
      let k = n + 1;
      while (seen.has(`${name}.${k}`)) k++;
      name = `${name}.${k}`;
    }
    seen.set(name, seen.get(name) ?? 0);
    return name;
  });
}
