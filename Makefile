# The two commands a new user runs (README.md):
#   make quickstart   install what building and running need, build, run the embedded demo
#   make test         install that plus the test services and readers, build, run every test
BUILD_DIR ?= build
JOBS ?= 2
CMAKE_FLAGS ?= -DCMAKE_BUILD_TYPE=RelWithDebInfo

.PHONY: quickstart test build deps test-deps unit docs bench clean

quickstart: deps
	cmake -S . -B $(BUILD_DIR) -G Ninja $(CMAKE_FLAGS)
	cmake --build $(BUILD_DIR) -j$(JOBS) --target tributary
	./$(BUILD_DIR)/tributary quickstart

test: test-deps build
	cd $(BUILD_DIR) && ctest --output-on-failure -j$(JOBS)

deps:
	scripts/install-deps.sh

test-deps:
	scripts/install-deps.sh --test

build:
	cmake -S . -B $(BUILD_DIR) -G Ninja $(CMAKE_FLAGS)
	cmake --build $(BUILD_DIR) -j$(JOBS)

# Unit tests only: fast, no services.
unit: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j$(JOBS) -L unit

# Regenerates docs/CONFIGURATION.md from the key table.
docs: build
	./$(BUILD_DIR)/tributary config --markdown > docs/CONFIGURATION.md

clean:
	rm -rf $(BUILD_DIR)

# The end-to-end benchmark (not a test): writes docs/BENCHMARKS.md.
bench:
	bench/run.sh $(BENCH_ARGS)
