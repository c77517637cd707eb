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

configure: deps
	@cmake --preset $(PRESET) >/dev/null

build: configure
	@cmake --build --preset $(PRESET) -j $(JOBS)

# Until the web service exists: scan the top 100 ports of 127.0.0.1 and print the table.
run: build
	$(PORTLENS) scan --top-ports 100 127.0.0.1

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
