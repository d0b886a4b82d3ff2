# Scenario tests of `tributary broker` against real clients (kcat, confluent-kafka,
# kafka-python, kafkajs), a kill -9 crash test, and the sink reading from the broker.
tributary_add_scenarios(TIMEOUT 180 NAMES broker_clients_e2e broker_crash_e2e broker_sink_e2e)

# The sink's own scenario tests a second time, with `tributary broker` in the place of
# librdkafka's mock cluster (TRIBUTARY_KAFKA_PEER=broker, see e2e/broker_harness.py):
# <scenario>_on_broker.
set(BROKER_PEER_SCENARIOS sink_json_e2e sink_formats_e2e sink_errors_e2e exactly_once_e2e
    partitioning_e2e sink_features_e2e)
foreach(scenario ${BROKER_PEER_SCENARIOS})
  add_test(NAME ${scenario}_on_broker
           COMMAND ${TRIBUTARY_PYTHON} -m unittest -v ${scenario}
           WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}/tests/e2e)
  set_tests_properties(${scenario}_on_broker PROPERTIES TIMEOUT 600 LABELS "e2e;broker"
                       ENVIRONMENT "${E2E_ENV};TRIBUTARY_KAFKA_PEER=broker")
endforeach()
set_tests_properties(sink_json_e2e_on_broker sink_features_e2e_on_broker PROPERTIES
                     FIXTURES_REQUIRED radosgw)

# The broker's objects on radosgw (real S3): a smoke test of `--store-url`.
tributary_add_scenarios(TIMEOUT 180 NAMES broker_s3_e2e)
set_tests_properties(broker_s3_e2e PROPERTIES FIXTURES_REQUIRED radosgw)
