# Transform scenario tests (issue #12), included from tests/CMakeLists.txt.

# Config validation through the binary: runs now.
add_test(NAME transform_config_e2e
         COMMAND ${TRIBUTARY_PYTHON} -m unittest -v transform_config_e2e
         WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}/tests/e2e)
set_tests_properties(transform_config_e2e PROPERTIES TIMEOUT 120 LABELS e2e
                     ENVIRONMENT "${E2E_ENV}")

# The acceptance scenario (chain + TimestampRouter, read back by DuckDB; KCQL and the
# equivalent Connect-style config give identical objects).
add_test(NAME transform_e2e
         COMMAND ${TRIBUTARY_PYTHON} -m unittest -v transform_e2e
         WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}/tests/e2e)
set_tests_properties(transform_e2e PROPERTIES TIMEOUT 300 LABELS e2e
                     ENVIRONMENT "${E2E_ENV}")
