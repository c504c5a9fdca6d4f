// Typed messages between the extension host and a webview, each declared once and imported by
// both sides (as GitLens' ipc.ts and rust-analyzer's lsp_ext.ts do): a request has params and a
// result, a notification only params. The same peer runs on both ends of postMessage; the host's
// validates what arrives against each message's zod schema, since a webview is untrusted input.
//
//   export const ReadRows = request<{ offset: number; limit: number }, RowsPage>('readRows', schema);
//   host:    peer.onRequest(ReadRows, (p) => readRows(p.offset, p.limit));
//   webview: const page = await peer.sendRequest(ReadRows, { offset: 0, limit: 200 });
import * as z from 'zod/mini';

/** A request: `params` validates what the receiving side gets; `R` is the answer's type. */
export interface IpcRequest<P, R> {
  readonly kind: 'request';
  readonly method: string;
  readonly params: z.ZodMiniType<P>;
  /** Phantom: carries the result type. */
  readonly result?: R;
}

export interface IpcNotification<P> {
  readonly kind: 'notification';
  readonly method: string;
  readonly params: z.ZodMiniType<P>;
}

export function request<P, R>(method: string, params: z.ZodMiniType<P>): IpcRequest<P, R> {
  return { kind: 'request', method, params };
}

export function notification<P>(method: string, params: z.ZodMiniType<P>): IpcNotification<P> {
  return { kind: 'notification', method, params };
}

/** Params the receiver does not check: host -> webview messages (the webview trusts its host). */
export function trusted<P>(): z.ZodMiniType<P> {
  return z.custom<P>(() => true);
}

/** What crosses postMessage. */
export type WireMessage =
  | { kind: 'request'; id: number; method: string; params: unknown }
  | { kind: 'response'; id: number; result?: unknown; error?: string }
  | { kind: 'notification'; method: string; params: unknown };

const wireSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('request'), id: z.int(), method: z.string(), params: z.unknown() }),
  z.object({
    kind: z.literal('response'),
    id: z.int(),
    result: z.optional(z.unknown()),
    error: z.optional(z.string()),
  }),
  z.object({ kind: z.literal('notification'), method: z.string(), params: z.unknown() }),
]);

type Handler = (params: unknown) => unknown;

export interface IpcPeerOptions {
  /** Check every incoming message and its params (the host side). */
  validate: boolean;
  /** Where refused messages are reported (never their content: it may be large or hostile). */
  onInvalid?: (why: string) => void;
}

export class IpcPeer {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private readonly requests = new Map<string, { type: IpcRequest<unknown, unknown>; handler: Handler }>();
  private readonly notifications = new Map<string, { type: IpcNotification<unknown>; handler: Handler }>();

  constructor(
    private readonly post: (message: WireMessage) => void,
    private readonly options: IpcPeerOptions,
  ) {}

  onRequest<P, R>(type: IpcRequest<P, R>, handler: (params: P) => R | Promise<R>): void {
    this.requests.set(type.method, {
      type: type as IpcRequest<unknown, unknown>,
      handler: handler as Handler,
    });
  }

  onNotification<P>(type: IpcNotification<P>, handler: (params: P) => void): void {
    this.notifications.set(type.method, {
      type: type as IpcNotification<unknown>,
      handler: handler as Handler,
    });
  }

  sendRequest<P, R>(type: IpcRequest<P, R>, params: P): Promise<R> {
    const id = this.nextId++;
    return new Promise<R>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.post({ kind: 'request', id, method: type.method, params });
    });
  }

  sendNotification<P>(type: IpcNotification<P>, params: P): void {
    this.post({ kind: 'notification', method: type.method, params });
  }

  /** Rejects every request still waiting (the other side went away). */
  dispose(reason = 'the panel was closed'): void {
    for (const p of this.pending.values()) p.reject(new Error(reason));
    this.pending.clear();
  }

  /** Handles one received message. Never throws: a bad message is refused and reported. */
  async receive(raw: unknown): Promise<void> {
    const msg = this.options.validate ? wireSchema.safeParse(raw) : { success: true as const, data: raw };
    if (!msg.success) return this.refuse('a message that is not an IPC message');
    const m = msg.data as WireMessage;
    if (m.kind === 'response') return this.settle(m);
    const entry = m.kind === 'request' ? this.requests.get(m.method) : this.notifications.get(m.method);
    if (!entry) {
      if (m.kind === 'request')
        this.post({ kind: 'response', id: m.id, error: `unknown request ${m.method}` });
      return this.refuse(`an unknown ${m.kind} ${JSON.stringify(m.method.slice(0, 100))}`);
    }
    const params = this.options.validate
      ? entry.type.params.safeParse(m.params)
      : { success: true, data: m.params };
    if (!params.success) {
      if (m.kind === 'request')
        this.post({ kind: 'response', id: m.id, error: `invalid params for ${m.method}` });
      return this.refuse(`invalid params for ${m.method}`);
    }
    if (m.kind === 'notification') {
      try {
        await entry.handler(params.data);
      } catch (err) {
        this.refuse(`${m.method} failed: ${(err as Error)?.message ?? err}`);
      }
      return;
    }
    try {
      this.post({ kind: 'response', id: m.id, result: await entry.handler(params.data) });
    } catch (err) {
      this.post({ kind: 'response', id: m.id, error: (err as Error)?.message ?? String(err) });
    }
  }

  private settle(m: { id: number; result?: unknown; error?: string }): void {
    const p = this.pending.get(m.id);
    if (!p) return;
    this.pending.delete(m.id);
    if (m.error !== undefined) p.reject(new Error(m.error));
    else p.resolve(m.result);
  }

  private refuse(why: string): void {
    this.options.onInvalid?.(why);
  }
}
