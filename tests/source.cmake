# `tributary source` (issue #11): round trips through the sink and radosgw (JSON and Parquet
# envelopes) with kill -9s and resume, interleaved objects merged by offset, a Confluent
# connector layout, all read back with kafka-python / confluent-kafka.
tributary_add_scenarios(TIMEOUT 300 NAMES source_e2e)
set_tests_properties(source_e2e PROPERTIES FIXTURES_REQUIRED radosgw)
