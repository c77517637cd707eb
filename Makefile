# Thin wrappers around CMake presets. Every target installs missing Debian packages first,
# so `make run` and `make test` work on a fresh Debian 12 machine (as root).
PRESET ?= release
BUILD_DIR := build/$(PRESET)
PORTLENS := $(BUILD_DIR)/apps/portlens/portlens
JOBS ?= $(shell nproc)

.PHONY: all deps configure build run test test-asan test-tsan lint bench fuzz format clean deb

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
# As root, serve drops to an unprivileged user once it listens (docs/deploy.md, "Privilege
# model"): the database lives in $(RUN_DIR), a folder given to that user (nobody).
LISTEN ?= 127.0.0.1:8080
RUN_DIR := $(BUILD_DIR)/run
DB ?= $(RUN_DIR)/portlens.db
CONFIG ?=
AS_ROOT := $(filter 0,$(shell id -u))
run: build
	@mkdir -p $(RUN_DIR)
	@$(if $(AS_ROOT),chown nobody: $(RUN_DIR) $(wildcard $(RUN_DIR)/portlens.db*))
	$(PORTLENS) serve --listen $(LISTEN) --db $(DB) $(if $(CONFIG),--config $(CONFIG)) \
	  $(if $(AS_ROOT),--user nobody)

# The whole suite: unit, integration (network-namespace lab; skipped when not root),
# fuzz-corpus replays and the lint checks (format, shellcheck, layering, clang-tidy), through
# CTest. Then the unit tests again under ASan+UBSan, and those of threaded code under TSan.
test: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS) --timeout 600
	@$(MAKE) --no-print-directory test-asan
	@$(MAKE) --no-print-directory test-tsan

test-asan: deps
	@cmake --preset asan >/dev/null
	@cmake --build --preset asan -j $(JOBS)
	cd build/asan && ctest --output-on-failure -j $(JOBS) -L unit --timeout 600

# Only the unit tests labelled "tsan" (tests/CMakeLists.txt) are built and run.
test-tsan: deps
	@cmake --preset tsan >/dev/null
	@cmake --build --preset tsan -j $(JOBS)
	ctest --preset tsan -j $(JOBS) --timeout 600

# The lint checks alone (they need the configured build for clang-tidy's compile commands).
lint: configure
	cd $(BUILD_DIR) && ctest --output-on-failure -L lint --timeout 1800

# The Debian package build/$(PRESET)/portlens_VERSION_amd64.deb: the binary, portlens.service,
# /etc/portlens/portlens.toml, man pages, completions (packaging/, docs/package.md).
deb: configure
	@cmake --build --preset $(PRESET) -j $(JOBS) --target deb

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
