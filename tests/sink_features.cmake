# Issue #4 (sink features): the Connect REST document acceptance run (radosgw), and key/
# header side files and tombstones read back by DuckDB and python3-avro. The scenario
# table itself is a unit test (src/sink/scenario_test.cc, sink_features_test).
tributary_add_scenarios(TIMEOUT 300 NAMES sink_features_e2e)
set_tests_properties(sink_features_e2e PROPERTIES FIXTURES_REQUIRED radosgw)
