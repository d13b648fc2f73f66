// Writes assembly/expTable.ts, the kernels' copy of exp's constants and table from
// src/engines/math.ts (as bit patterns, so nothing is re-rounded on the way), so the two engines'
// exp are one definition.
import { importSource, writeIfChanged } from './generate.mjs';

const bits = (x) => {
  const v = new DataView(new ArrayBuffer(8));
  v.setFloat64(0, x);
  return `0x${v.getBigUint64(0).toString(16).padStart(16, '0')}`;
};

export async function writeExpTable(root = '.') {
  const m = await importSource(`${root}/src/engines/math.ts`);
  const constants = ['EXP_SHIFT', 'EXP_INV_LN2_N', 'EXP_LN2_HI_N', 'EXP_LN2_LO_N', 'EXP_C2', 'EXP_C3', 'EXP_C4', 'EXP_C5', 'EXP_FAST'];
  const table = Array.from(m.expTable(), bits);
  const lanes = [...constants.map((c) => [c, bits(m[c])]), ['ONE', bits(1)], ['MASK', `0x${(-BigInt(m.EXP_N) & 0xffffffffffffffffn).toString(16)}`]];
  const text = [
    '// Generated from src/engines/math.ts by scripts/tables.mjs at every build: edit that file, not this one.',
    '',
    `export const EXP_N: i32 = ${m.EXP_N};`,
    ...constants.map((c) => `export const ${c}: f64 = reinterpret<f64>(<u64>${bits(m[c])}); // ${m[c]}`),
    '// Each constant twice, so that the two-lane exp loads the pair where V8 would rebuild its splat',
    '// from an immediate on every call: v128.load(EXP_LANES, EXP_LANE_<name>). ONE is 1.0, whose bits',
    '// are also 1023 << 52; MASK clears the low log2(N) bits of an i64.',
    'export const EXP_LANES: usize = memory.data<u64>([',
    ...lanes.map(([, b]) => `  ${b}, ${b},`),
    ']);',
    ...lanes.map(([name], j) => `export const EXP_LANE_${name.replace(/^EXP_/, '')}: usize = ${16 * j};`),
    '// 2^(i/N) as (head, tail) pairs: EXP_TABLE + 16·i',
    'export const EXP_TABLE: usize = memory.data<u64>([',
    ...Array.from({ length: table.length / 4 }, (_, i) => `  ${table.slice(4 * i, 4 * i + 4).join(', ')},`),
    ']);',
    '',
  ].join('\n');
  writeIfChanged(`${root}/assembly/expTable.ts`, text);
}
