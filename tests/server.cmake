# Scenario tests of the operations endpoint (issue #9): REST, /metrics, /ui, shutdown.
tributary_add_scenarios(TIMEOUT 300 NAMES server_e2e server_ui_e2e)
# Fed metrics against the store, Connect-style pause, diagnostic lines (issue #9).
tributary_add_scenarios(TIMEOUT 300 NAMES server_ops_e2e)
