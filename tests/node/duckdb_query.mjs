// Runs one SQL statement in an in-memory DuckDB and prints the rows as a JSON array.
//   node duckdb_query.mjs "SELECT count(*) AS n FROM read_json_auto('dir/*.json')"
// DuckDB is an independent reader of Tributary's output (JSON lines, CSV, Parquet).
import { DuckDBInstance } from '@duckdb/node-api';

const sql = process.argv[2];
if (!sql) {
  console.error('usage: node duckdb_query.mjs SQL');
  process.exit(2);
}
const instance = await DuckDBInstance.create(':memory:');
const connection = await instance.connect();
const reader = await connection.runAndReadAll(sql);
console.log(JSON.stringify(reader.getRowObjectsJson()));
