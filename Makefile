# Thin wrappers around CMake presets. Every target installs missing Debian packages first,
# so `make run` and `make test` work on a fresh Debian 12 machine (as root).
PRESET ?= release
BUILD_DIR := build/$(PRESET)
PORTLENS := $(BUILD_DIR)/apps/portlens/portlens
JOBS ?= $(shell nproc)

.PHONY: all deps configure build run test test-asan bench fuzz format clean

all: build

deps:
	@scripts/install-deps.sh
	@tests/browser/setup.sh || echo "deps: playwright-core/eslint missing; the browser and lint tests will be skipped" >&2

configure: deps
	@cmake --preset $(PRESET) >/dev/null

build: configure
	@cmake --build --preset $(PRESET) -j $(JOBS)

# The web service on 127.0.0.1:8080 (page and API; it prints its URL). Ctrl-C stops it;
# scans still running are resumed by the next `make run`. LISTEN, DB and CONFIG override.
LISTEN ?= 127.0.0.1:8080
DB ?= $(BUILD_DIR)/portlens.db
CONFIG ?=
run: build
	$(PORTLENS) serve --listen $(LISTEN) --db $(DB) $(if $(CONFIG),--config $(CONFIG))

# The whole suite: unit, integration (network-namespace lab; skipped when not root) and
# fuzz-corpus replays, through CTest. Then the unit tests again under ASan+UBSan.
test: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS) --timeout 600
	@$(MAKE) --no-print-directory test-asan

test-asan: deps
	@cmake --preset asan >/dev/null
	@cmake --build --preset asan -j $(JOBS)
	cd build/asan && ctest --output-on-failure -j $(JOBS) -L unit --timeout 600

bench: build
	bench/run.sh $(PORTLENS)

fuzz: deps
	@cmake --preset fuzz >/dev/null
	@cmake --build --preset fuzz -j $(JOBS)
	tests/fuzz/run.sh build/fuzz

format:
	clang-format -i $$(git ls-files '*.cpp' '*.h')

clean:
	rm -rf build
