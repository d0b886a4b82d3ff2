# Partitioning, time and naming scenario tests (docs/partitioning.md): local store and
# the mock cluster, read back by DuckDB with hive_partitioning.
foreach(scenario partitioning_e2e)
  add_test(NAME ${scenario}
           COMMAND ${TRIBUTARY_PYTHON} -m unittest -v ${scenario}
           WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}/tests/e2e)
  set_tests_properties(${scenario} PROPERTIES TIMEOUT 300 LABELS e2e
                       ENVIRONMENT "${E2E_ENV}")
endforeach()
