# Schema evolution (issue 7): schema.compatibility, open files per schema version and
# inference widening through the running sink; mock Kafka cluster, local store, the local
# Schema Registry responder, read back by DuckDB (tests/node).
tributary_add_scenarios(TIMEOUT 300 NAMES schema_evolution_e2e)
