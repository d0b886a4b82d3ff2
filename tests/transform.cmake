# Transform scenario tests (issue #12), included from tests/CMakeLists.txt:
# transform_config_e2e (bad chains and SQL rejected at start) and the acceptance scenario
# transform_e2e (chain + TimestampRouter read back by DuckDB; KCQL and the equivalent
# Connect-style config give identical objects); transform_avro_e2e (the chain on Schema
# Registry Avro records to Parquet and Avro, through the local registry responder).
tributary_add_scenarios(TIMEOUT 300 NAMES transform_config_e2e transform_e2e
                        transform_avro_e2e)
