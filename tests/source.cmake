# `tributary source` (issue #11): round trip through the sink and radosgw with a kill -9
# and resume, and a Confluent connector layout, both read back with kafka-python.
tributary_add_scenarios(TIMEOUT 300 NAMES source_e2e)
set_tests_properties(source_e2e PROPERTIES FIXTURES_REQUIRED radosgw)
