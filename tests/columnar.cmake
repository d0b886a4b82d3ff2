# Avro and Parquet through the running sink (issue 7): mock Kafka cluster, local store,
# read back by DuckDB (tests/node) and python3-avro (tests/columnar/read_avro.py).
tributary_add_scenarios(TIMEOUT 300 NAMES sink_columnar_e2e sink_columnar_s3_e2e)
# On radosgw (real S3), started once per ctest run by the shared fixture.
set_tests_properties(sink_columnar_s3_e2e PROPERTIES FIXTURES_REQUIRED radosgw)
