# Scenario tests of `tributary broker` against real clients (kcat, confluent-kafka,
# kafka-python, kafkajs), a kill -9 crash test, and the sink reading from the broker.
foreach(scenario broker_clients_e2e broker_crash_e2e broker_sink_e2e)
  add_test(NAME ${scenario}
           COMMAND ${TRIBUTARY_PYTHON} -m unittest -v ${scenario}
           WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}/tests/e2e)
  set_tests_properties(${scenario} PROPERTIES TIMEOUT 180 LABELS e2e
                       ENVIRONMENT "${E2E_ENV}")
endforeach()
