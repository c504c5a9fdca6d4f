// A pickle "virtual machine" that only records: it runs every opcode of protocols 0-5 on a stack
// and memo, but GLOBAL/STACK_GLOBAL give names, and REDUCE/NEWOBJ/INST/OBJ/BUILD give inert records
// (PyObj). Nothing is imported, called or evaluated, whatever the stream asks for.

import { OP, OPS } from './pickleOps';
import type { PickleSource } from './pickleSource';
import { type BuildHook, PickleError, Vm } from './pickleVm';
import type { Py } from './pyObjects';

export { type BuildHook, PickleError } from './pickleVm';

const MAX_OPS = 50_000_000;

export function runPickle(src: PickleSource, onBuild?: BuildHook): Py {
  const vm = new Vm(src, onBuild, () => runPickle(src, onBuild));
  let ops = 0;
  for (;;) {
    if (++ops > MAX_OPS) throw new PickleError(`more than ${MAX_OPS} opcodes: too large to preview`);
    const at = src.pos;
    const op = src.byte();
    if (op === OP.STOP) return vm.pop();
    const handler = OPS[op];
    if (!handler)
      throw new PickleError(`unknown pickle opcode 0x${op.toString(16).padStart(2, '0')} at byte ${at}`);
    handler(vm, op);
  }
}
