// Reads a Parquet file with hyparquet (an independent JavaScript reader) and prints
// {"metadata": {...}, "rows": [...]} as JSON. hyparquet decodes only uncompressed and
// snappy pages itself; gzip pages are decompressed with node's zlib (gunzip), so those
// files are still parsed, levelled and decoded by hyparquet.
//   node hyparquet_read.mjs FILE
import { gunzipSync } from 'node:zlib';
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } from 'hyparquet';

const path = process.argv[2];
const file = await asyncBufferFromFile(path);
const metadata = await parquetMetadataAsync(file);
const compressors = { GZIP: (input) => new Uint8Array(gunzipSync(input)) };
const rows = await parquetReadObjects({ file, compressors, utf8: false });

function canon(v) {
  if (v === undefined) return null;
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof Uint8Array) return Buffer.from(v).toString('hex');
  if (v instanceof Date) return v.toISOString();
  if (Array.isArray(v)) return v.map(canon);
  if (v !== null && typeof v === 'object') {
    const out = {};
    for (const k of Object.keys(v)) out[k] = canon(v[k]);
    return out;
  }
  return v;
}

console.log(JSON.stringify({
  metadata: {
    version: metadata.version,
    num_rows: canon(metadata.num_rows),
    created_by: metadata.created_by,
    row_groups: metadata.row_groups.length,
    key_value_metadata: metadata.key_value_metadata,
  },
  rows: canon(rows),
}));
