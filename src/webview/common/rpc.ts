// Request/response over postMessage: each request carries an id, the host answers with it.
import { vscodeApi } from './vscodeApi';

interface Pending {
  resolve: (payload: unknown) => void;
  reject: (err: Error) => void;
}

let nextId = 1;
const pending = new Map<number, Pending>();

export function request<T>(type: string, payload: Record<string, unknown>): Promise<T> {
  const requestId = nextId++;
  return new Promise<T>((resolve, reject) => {
    pending.set(requestId, { resolve: resolve as (p: unknown) => void, reject });
    vscodeApi().postMessage({ type, payload: { ...payload, requestId } });
  });
}

/** Returns true when the message answered a request. */
export function handleResponse(msg: {
  type: string;
  payload: { requestId?: number; message?: string };
}): boolean {
  const id = msg.payload?.requestId;
  if (typeof id !== 'number') return false;
  const p = pending.get(id);
  if (!p) return true;
  pending.delete(id);
  if (msg.type === 'requestError') p.reject(new Error(msg.payload.message ?? 'request failed'));
  else p.resolve(msg.payload);
  return true;
}

export function send(type: string, payload: Record<string, unknown> = {}): void {
  vscodeApi().postMessage({ type, payload });
}
