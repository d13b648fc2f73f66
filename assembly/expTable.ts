// Generated from src/engines/math.ts by scripts/tables.mjs at every build: edit that file, not this one.

export const EXP_N: i32 = 128;
export const EXP_SHIFT: f64 = reinterpret<f64>(<u64>0x4338000000000000); // 6755399441055744
export const EXP_INV_LN2_N: f64 = reinterpret<f64>(<u64>0x40671547652b82fe); // 184.6649652337873
export const EXP_LN2_HI_N: f64 = reinterpret<f64>(<u64>0x3f762e42fefa0000); // 0.005415212348111709
export const EXP_LN2_LO_N: f64 = reinterpret<f64>(<u64>0x3d0cf79abc9e3b3a); // 1.2864023111638346e-14
export const EXP_C2: f64 = reinterpret<f64>(<u64>0x3fe0000000000000); // 0.5
export const EXP_C3: f64 = reinterpret<f64>(<u64>0x3fc5555555555555); // 0.16666666666666666
export const EXP_C4: f64 = reinterpret<f64>(<u64>0x3fa5555555555555); // 0.041666666666666664
export const EXP_C5: f64 = reinterpret<f64>(<u64>0x3f81111111111111); // 0.008333333333333333
export const EXP_FAST: f64 = reinterpret<f64>(<u64>0x4086200000000000); // 708
// Each constant twice, so that the two-lane exp loads the pair where V8 would rebuild its splat
// from an immediate on every call: v128.load(EXP_LANES, EXP_LANE_<name>). ONE is 1.0, whose bits
// are also 1023 << 52; MASK clears the low log2(N) bits of an i64.
export const EXP_LANES: usize = memory.data<u64>([
  0x4338000000000000, 0x4338000000000000,
  0x40671547652b82fe, 0x40671547652b82fe,
  0x3f762e42fefa0000, 0x3f762e42fefa0000,
  0x3d0cf79abc9e3b3a, 0x3d0cf79abc9e3b3a,
  0x3fe0000000000000, 0x3fe0000000000000,
  0x3fc5555555555555, 0x3fc5555555555555,
  0x3fa5555555555555, 0x3fa5555555555555,
  0x3f81111111111111, 0x3f81111111111111,
  0x4086200000000000, 0x4086200000000000,
  0x3ff0000000000000, 0x3ff0000000000000,
  0xffffffffffffff80, 0xffffffffffffff80,
]);
export const EXP_LANE_SHIFT: usize = 0;
export const EXP_LANE_INV_LN2_N: usize = 16;
export const EXP_LANE_LN2_HI_N: usize = 32;
export const EXP_LANE_LN2_LO_N: usize = 48;
export const EXP_LANE_C2: usize = 64;
export const EXP_LANE_C3: usize = 80;
export const EXP_LANE_C4: usize = 96;
export const EXP_LANE_C5: usize = 112;
export const EXP_LANE_FAST: usize = 128;
export const EXP_LANE_ONE: usize = 144;
export const EXP_LANE_MASK: usize = 160;
// 2^(i/N) as (head, tail) pairs: EXP_TABLE + 16·i
export const EXP_TABLE: usize = memory.data<u64>([
  0x3ff0000000000000, 0x0000000000000000, 0x3ff0163da9fb3335, 0x3c9b61299ab8cdb7,
  0x3ff02c9a3e778061, 0xbc719083535b085d, 0x3ff04315e86e7f85, 0xbc90a31c1977c96e,
  0x3ff059b0d3158574, 0x3c8d73e2a475b465, 0x3ff0706b29ddf6de, 0xbc8c91dfe2b13c27,
  0x3ff0874518759bc8, 0x3c6186be4bb284ff, 0x3ff09e3ecac6f383, 0x3c91487818316136,
  0x3ff0b5586cf9890f, 0x3c98a62e4adc610b, 0x3ff0cc922b7247f7, 0x3c901edc16e24f71,
  0x3ff0e3ec32d3d1a2, 0x3c403a1727c57b53, 0x3ff0fb66affed31b, 0xbc6b9bedc44ebd7b,
  0x3ff11301d0125b51, 0xbc96c51039449b3a, 0x3ff12abdc06c31cc, 0xbc51b514b36ca5c7,
  0x3ff1429aaea92de0, 0xbc932fbf9af1369e, 0x3ff15a98c8a58e51, 0x3c82406ab9eeab0a,
  0x3ff172b83c7d517b, 0xbc819041b9d78a76, 0x3ff18af9388c8dea, 0xbc911023d1970f6c,
  0x3ff1a35beb6fcb75, 0x3c8e5b4c7b4968e4, 0x3ff1bbe084045cd4, 0xbc995386352ef607,
  0x3ff1d4873168b9aa, 0x3c9e016e00a2643c, 0x3ff1ed5022fcd91d, 0xbc91df98027bb78c,
  0x3ff2063b88628cd6, 0x3c8dc775814a8495, 0x3ff21f49917ddc96, 0x3c82a97e9494a5ee,
  0x3ff2387a6e756238, 0x3c99b07eb6c70573, 0x3ff251ce4fb2a63f, 0x3c8ac155bef4f4a4,
  0x3ff26b4565e27cdd, 0x3c82bd339940e9d9, 0x3ff284dfe1f56381, 0xbc9a4c3a8c3f0d7e,
  0x3ff29e9df51fdee1, 0x3c8612e8afad1255, 0x3ff2b87fd0dad990, 0xbc410adcd6381aa4,
  0x3ff2d285a6e4030b, 0x3c90024754db41d5, 0x3ff2ecafa93e2f56, 0x3c71ca0f45d52383,
  0x3ff306fe0a31b715, 0x3c86f46ad23182e4, 0x3ff32170fc4cd831, 0x3c8a9ce78e18047c,
  0x3ff33c08b26416ff, 0x3c932721843659a6, 0x3ff356c55f929ff1, 0xbc8b5cee5c4e4628,
  0x3ff371a7373aa9cb, 0xbc963aeabf42eae2, 0x3ff38cae6d05d866, 0xbc9e958d3c9904bd,
  0x3ff3a7db34e59ff7, 0xbc75e436d661f5e3, 0x3ff3c32dc313a8e5, 0xbc9efff8375d29c3,
  0x3ff3dea64c123422, 0x3c8ada0911f09ebc, 0x3ff3fa4504ac801c, 0xbc97d023f956f9f3,
  0x3ff4160a21f72e2a, 0xbc5ef3691c309278, 0x3ff431f5d950a897, 0xbc81c7dde35f7999,
  0x3ff44e086061892d, 0x3c489b7a04ef80d0, 0x3ff46a41ed1d0057, 0x3c9c944bd1648a76,
  0x3ff486a2b5c13cd0, 0x3c73c1a3b69062f0, 0x3ff4a32af0d7d3de, 0x3c99cb62f3d1be56,
  0x3ff4bfdad5362a27, 0x3c7d4397afec42e2, 0x3ff4dcb299fddd0d, 0x3c98ecdbbc6a7833,
  0x3ff4f9b2769d2ca7, 0xbc94b309d25957e3, 0x3ff516daa2cf6642, 0xbc8f768569bd93ef,
  0x3ff5342b569d4f82, 0xbc807abe1db13cad, 0x3ff551a4ca5d920f, 0xbc8d689cefede59b,
  0x3ff56f4736b527da, 0x3c99bb2c011d93ad, 0x3ff58d12d497c7fd, 0x3c8295e15b9a1de8,
  0x3ff5ab07dd485429, 0x3c96324c054647ad, 0x3ff5c9268a5946b7, 0x3c3c4b1b816986a2,
  0x3ff5e76f15ad2148, 0x3c9ba6f93080e65e, 0x3ff605e1b976dc09, 0xbc93e2429b56de47,
  0x3ff6247eb03a5585, 0xbc9383c17e40b497, 0x3ff6434634ccc320, 0xbc8c483c759d8933,
  0x3ff6623882552225, 0xbc9bb60987591c34, 0x3ff68155d44ca973, 0x3c6038ae44f73e65,
  0x3ff6a09e667f3bcd, 0xbc9bdd3413b26456, 0x3ff6c012750bdabf, 0xbc72895667ff0b0d,
  0x3ff6dfb23c651a2f, 0xbc6bbe3a683c88ab, 0x3ff6ff7df9519484, 0xbc883c0f25860ef6,
  0x3ff71f75e8ec5f74, 0xbc816e4786887a99, 0x3ff73f9a48a58174, 0xbc90a8d96c65d53c,
  0x3ff75feb564267c9, 0xbc90245957316dd3, 0x3ff780694fde5d3f, 0x3c9866b80a02162d,
  0x3ff7a11473eb0187, 0xbc841577ee04992f, 0x3ff7c1ed0130c132, 0x3c9f124cd1164dd6,
  0x3ff7e2f336cf4e62, 0x3c705d02ba15797e, 0x3ff80427543e1a12, 0xbc927c86626d972b,
  0x3ff82589994cce13, 0xbc9d4c1dd41532d8, 0x3ff8471a4623c7ad, 0xbc88d684a341cdfb,
  0x3ff868d99b4492ed, 0xbc9fc6f89bd4f6ba, 0x3ff88ac7d98a6699, 0x3c9994c2f37cb53a,
  0x3ff8ace5422aa0db, 0x3c96e9f156864b27, 0x3ff8cf3216b5448c, 0xbc70d55e32e9e3aa,
  0x3ff8f1ae99157736, 0x3c85cc13a2e3976c, 0x3ff9145b0b91ffc6, 0xbc9dd6792e582524,
  0x3ff93737b0cdc5e5, 0xbc675fc781b57ebc, 0x3ff95a44cbc8520f, 0xbc764b7c96a5f039,
  0x3ff97d829fde4e50, 0xbc9d185b7c1b85d1, 0x3ff9a0f170ca07ba, 0xbc9173bd91cee632,
  0x3ff9c49182a3f090, 0x3c7c7c46b071f2be, 0x3ff9e86319e32323, 0x3c7824ca78e64c6e,
  0x3ffa0c667b5de565, 0xbc9359495d1cd533, 0x3ffa309bec4a2d33, 0x3c96305c7ddc36ab,
  0x3ffa5503b23e255d, 0xbc9d2f6edb8d41e1, 0x3ffa799e1330b358, 0x3c9bcb7ecac563c7,
  0x3ffa9e6b5579fdbf, 0x3c90fac90ef7fd31, 0x3ffac36bbfd3f37a, 0xbc8f9234cae76cd0,
  0x3ffae89f995ad3ad, 0x3c97a1cd345dcc81, 0x3ffb0e07298db666, 0xbc9bdef54c80e425,
  0x3ffb33a2b84f15fb, 0xbc62805e3084d708, 0x3ffb59728de5593a, 0xbc9c71dfbbba6de3,
  0x3ffb7f76f2fb5e47, 0xbc75584f7e54ac3b, 0x3ffba5b030a1064a, 0xbc9efcd30e54292e,
  0x3ffbcc1e904bc1d2, 0x3c823dd07a2d9e84, 0x3ffbf2c25bd71e09, 0xbc9efdca3f6b9c73,
  0x3ffc199bdd85529c, 0x3c811065895048dd, 0x3ffc40ab5fffd07a, 0x3c9b4537e083c60a,
  0x3ffc67f12e57d14b, 0x3c92884dff483cad, 0x3ffc8f6d9406e7b5, 0x3c71acbc48805c44,
  0x3ffcb720dcef9069, 0x3c7503cbd1e949db, 0x3ffcdf0b555dc3fa, 0xbc8dd83b53829d72,
  0x3ffd072d4a07897c, 0xbc9cbc3743797a9c, 0x3ffd2f87080d89f2, 0xbc9d487b719d8578,
  0x3ffd5818dcfba487, 0x3c82ed02d75b3707, 0x3ffd80e316c98398, 0xbc911ec18beddfe8,
  0x3ffda9e603db3285, 0x3c9c2300696db532, 0x3ffdd321f301b460, 0x3c92da5778f018c3,
  0x3ffdfc97337b9b5f, 0xbc91a5cd4f184b5c, 0x3ffe264614f5a129, 0xbc97b627817a1496,
  0x3ffe502ee78b3ff6, 0x3c839e8980a9cc8f, 0x3ffe7a51fbc74c83, 0x3c92d522ca0c8de2,
  0x3ffea4afa2a490da, 0xbc9e9c23179c2893, 0x3ffecf482d8e67f1, 0xbc9c93f3b411ad8c,
  0x3ffefa1bee615a27, 0x3c9dc7f486a4b6b0, 0x3fff252b376bba97, 0x3c93a1a5bf0d8e43,
  0x3fff50765b6e4540, 0x3c99d3e12dd8a18b, 0x3fff7bfdad9cbe14, 0xbc9dbb12d006350a,
  0x3fffa7c1819e90d8, 0x3c874853f3a5931e, 0x3fffd3c22b8f71f1, 0x3c62eb74966579e7,
]);
