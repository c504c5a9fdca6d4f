// The preview page's one connection to the extension host, shared by its views (the table asks
// for rows, the dataset views for values). The host checks what it receives; this side trusts
// its host.
import { vscodeApi } from '../common/vscodeApi';
import { IpcPeer } from '../ipc';

export const peer = new IpcPeer((m) => vscodeApi().postMessage(m), { validate: false });
