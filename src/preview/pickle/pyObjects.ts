// Python objects as a pickle describes them, without creating any of them: classes and functions
// stay names (PyGlobal), and calls stay records of "this callable with these arguments" (PyObj).

import type { LazyBytes } from './pickleSource';

export type Py =
  | null
  | boolean
  | number
  | bigint
  | string
  | PyBytes
  | PyFloat
  | PyList
  | PyTuple
  | PyDict
  | PySet
  | PyGlobal
  | PyObj
  | PyOpaque;

/** A float, kept apart from ints (both are JS numbers otherwise). */
export class PyFloat {
  constructor(readonly value: number) {}
}

export class PyBytes {
  constructor(
    readonly data: LazyBytes,
    readonly bytearray = false,
  ) {}
  get length(): number {
    return this.data.length;
  }
  head(n: number): Uint8Array {
    return this.data.read(0, n);
  }
}

export class PyList {
  constructor(readonly items: Py[] = []) {}
}

export class PyTuple {
  constructor(readonly items: Py[] = []) {}
}

export class PyDict {
  constructor(readonly entries: Array<[Py, Py]> = []) {}
  get(key: string): Py | undefined {
    for (const [k, v] of this.entries) if (k === key) return v;
    return undefined;
  }
}

export class PySet {
  constructor(
    readonly items: Py[] = [],
    readonly frozen = false,
  ) {}
}

export class PyGlobal {
  constructor(
    readonly module: string,
    readonly name: string,
  ) {}
  get qualname(): string {
    return `${this.module}.${this.name}`;
  }
}

/** Raw element bytes of a numpy array that joblib wrote after its wrapper (or a nested pickle). */
export type ArrayPayload = { kind: 'bytes'; data: LazyBytes } | { kind: 'objects'; value: Py };

/** `callable(*args, **kwargs)`, then BUILD state, list items and dict items: never called. */
export class PyObj {
  state: Py | undefined = undefined;
  readonly listItems: Py[] = [];
  readonly dictItems: Array<[Py, Py]> = [];
  payload: ArrayPayload | null = null;
  constructor(
    readonly callable: Py,
    readonly args: Py[],
    readonly how: 'reduce' | 'newobj' | 'inst' | 'obj',
    readonly kwargs: PyDict | null = null,
  ) {}
  get qualname(): string {
    return this.callable instanceof PyGlobal ? this.callable.qualname : '<callable>';
  }
}

/** Persistent ids and extension codes: references the preview cannot follow. */
export class PyOpaque {
  constructor(readonly what: string) {}
}
