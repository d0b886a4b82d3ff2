# Smoke run of the end-to-end benchmark (bench/e2e_bench.py --smoke): checks that the
# harness still produces a well-formed report, not a speed.
tributary_add_scenarios(TIMEOUT 240 NAMES bench_smoke_e2e)
