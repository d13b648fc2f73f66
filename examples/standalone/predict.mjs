// Uses a standalone predictor: one ES module with no imports — no library, no kernels to load — made
// from a trained model by
//   backprop export model.json --format js --out predictor.js
// Its predict answers as the model's predict does, to the bit.
import { featureNames, predict } from './predictor.js';

const rows = [[8, 8], [5, 5]];
for (const [r, p] of predict(rows).entries()) console.log(`${featureNames.map((f, i) => `${f} ${rows[r][i]}`).join(', ')} → ${p}`);
