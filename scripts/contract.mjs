// Writes assembly/contract.ts, the kernels' side of src/contract.ts: one AssemblyScript constant per
// code and slot, and CONTRACT, the definition's hash, which the host checks when it loads a module.
import { importSource, writeIfChanged } from './generate.mjs';

/** binaryCrossentropy → BINARY_CROSSENTROPY */
const constant = (name) => name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();

export async function writeKernelContract(root = '.') {
  const c = await importSource(`${root}/src/contract.ts`);
  const group = (title, names, name = constant) => [`// ${title}`, ...names.map((n, i) => `export const ${name(n)}: i32 = ${i};`), ''];
  const text = [
    '// Generated from src/contract.ts by scripts/contract.mjs at every build: edit that file, not this one.',
    '',
    ...group('activation codes', c.ACTIVATIONS),
    ...group('loss codes', c.LOSSES),
    ...group('optimizer codes', c.OPTIMIZERS),
    ...group('clipping codes', c.CLIPPINGS, (n) => `CLIP_${constant(n)}`),
    ...group("the descriptor's i32 slots", c.NET_SLOTS, (n) => n),
    `export const LAYER0: i32 = ${c.NET_SLOTS.length}; // first layer record`,
    `export const STRIDE: i32 = ${c.LAYER_FIELDS.length}; // slots per layer record`,
    '',
    ...group("a layer record's slots", c.LAYER_FIELDS, (n) => n),
    ...group("a layer's f64 options", c.LAYER_OPTIONS, (n) => n),
    ...group('f64 settings', c.SETTING_SLOTS, (n) => n),
    '// the hash of the definition these constants come from; the host compares it with its own',
    `export const CONTRACT: u32 = 0x${c.contractHash().toString(16).padStart(8, '0')};`,
    '',
  ].join('\n');
  writeIfChanged(`${root}/assembly/contract.ts`, text);
}
