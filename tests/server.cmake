# Scenario tests of the operations endpoint (issue #9): REST, /metrics, /ui, shutdown.
foreach(scenario server_e2e server_ui_e2e)
  add_test(NAME ${scenario}
           COMMAND ${TRIBUTARY_PYTHON} -m unittest -v ${scenario}
           WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}/tests/e2e)
  set_tests_properties(${scenario} PROPERTIES TIMEOUT 300 LABELS e2e
                       ENVIRONMENT "${E2E_ENV}")
endforeach()
