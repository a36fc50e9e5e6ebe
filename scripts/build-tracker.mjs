// Builds the tracking script: minifies public/t.src.js into public/t.js and
// writes public/t.js.gz (gzip level 9) beside it for nginx's gzip_static.
// Prints the sizes and fails when the gzipped script is over its budget.
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { gzipSync, constants } from 'node:zlib';
import { minify } from 'terser';

const BUDGET = 1536; // bytes after gzip -9

const pub = fileURLToPath(new URL('../public/', import.meta.url));
const src = await readFile(pub + 't.src.js', 'utf8');

const out = await minify(src, {
  ecma: 2015,
  compress: { passes: 3, unsafe_arrows: false },
  mangle: true,
  format: { comments: false }
});
const min = out.code;
const gz = gzipSync(min, { level: constants.Z_BEST_COMPRESSION });

await writeFile(pub + 't.js', min);
await writeFile(pub + 't.js.gz', gz);

const raw = Buffer.byteLength(src);
const minLen = Buffer.byteLength(min);
console.log(`t.src.js  ${raw} bytes`);
console.log(`t.js      ${minLen} bytes minified`);
console.log(`t.js.gz   ${gz.length} bytes gzip -9 (budget ${BUDGET})`);
if (gz.length > BUDGET) {
  console.error(`build-tracker: t.js.gz is ${gz.length - BUDGET} bytes over budget`);
  process.exit(1);
}
