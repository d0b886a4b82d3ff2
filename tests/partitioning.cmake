# Partitioning, time and naming scenario tests (docs/partitioning.md): local store and
# the mock cluster, read back by DuckDB with hive_partitioning.
tributary_add_scenarios(TIMEOUT 300 NAMES partitioning_e2e)
