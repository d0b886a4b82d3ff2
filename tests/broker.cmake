# Scenario tests of `tributary broker` against real clients (kcat, confluent-kafka,
# kafka-python, kafkajs), a kill -9 crash test, and the sink reading from the broker.
tributary_add_scenarios(TIMEOUT 180 NAMES broker_clients_e2e broker_crash_e2e broker_sink_e2e)
