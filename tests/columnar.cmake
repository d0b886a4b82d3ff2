# Avro and Parquet through the running sink (issue 7): mock Kafka cluster, local store,
# read back by DuckDB (tests/node) and python3-avro (tests/columnar/read_avro.py).
foreach(scenario sink_columnar_e2e sink_columnar_s3_e2e)
  add_test(NAME ${scenario}
           COMMAND ${TRIBUTARY_PYTHON} -m unittest -v ${scenario}
           WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}/tests/e2e)
  set_tests_properties(${scenario} PROPERTIES TIMEOUT 300 LABELS e2e
                       ENVIRONMENT "${E2E_ENV}")
endforeach()
# On radosgw (real S3), started once per ctest run by the shared fixture.
set_tests_properties(sink_columnar_s3_e2e PROPERTIES FIXTURES_REQUIRED radosgw)
