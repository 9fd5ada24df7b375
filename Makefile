# Build and test entry points for homemesh.
#   make run     build everything and start the whole system (tools/launcher/run-system.ts)
#   make test    run every test suite, go on past failures, print the counts, fail if any failed
# The other targets are the steps of these two; `make help` lists them.
#
# Variables:
#   WASM3_SOURCE_DIR   a wasm3 source tree; the home base adds its wasm3 engine when it is set
#   TEST_DATABASE_URL  the PostgreSQL database of test-node-postgres
#                      (default postgres://postgres@127.0.0.1:5432/test)
#   SUITE_TIMEOUT_SEC  the longest one test suite may run (default 1200)
#   BENCH_ROUNDS       rounds of `make bench-core` (default 9)
#   FUZZ_RUNS          inputs each libFuzzer target tries in `make test-fuzz` (default 200000)
#   FUZZ_SECONDS       seconds each libFuzzer target runs in `make fuzz-homebase` (default 60)
#   IDF_PATH           an ESP-IDF 5.4 source tree for `make check-idf`

SHELL := /bin/bash
.DEFAULT_GOAL := help

# Debian packages that the build and the tests need, installed by `make deps` when missing.
# PostgreSQL is not listed: tools/ci/ensure-postgres.sh installs and starts it for the tests.
# chromium renders the API reference page (GET /docs) in hosts/node/src/docs/routes.test.ts.
DEBIAN_PACKAGES := cmake pkg-config wabt libsodium-dev libcjson-dev libcivetweb-dev \
	libcmocka-dev oathtool qrencode chromium clang libclang-rt-14-dev \
	gcc-riscv64-unknown-elf picolibc-riscv64-unknown-elf qemu-system-misc

NODE_TS := node --import tsx
UVU := $(NODE_TS) node_modules/uvu/bin.js
TEST_PATTERN := '\.test\.ts$$'
RUN_SUITE := tools/ci/run-suite.sh
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/test

CORE_WASM := core/build/core.wasm
CORE_SOURCES := core/asconfig.json $(shell find core/assembly -type f 2>/dev/null)

HOMEBASE_BUILD_DIR := build/homebase
# The benchmark's own optimized build, without sanitizers, so it never changes the tested build.
BENCH_BUILD_DIR := build/bench
BENCH_ROUNDS ?= 9
# The libFuzzer build: clang, every target with coverage feedback (see HB_FUZZ in CMakeLists.txt).
FUZZ_BUILD_DIR := build/fuzz
FUZZ_TARGETS := fuzz_link_decoder fuzz_frame_intake
FUZZ_RUNS ?= 200000
FUZZ_SECONDS ?= 60
# The rv32imafc build of the home base's portable C that qemu-system-riscv32 runs
# (hosts/esp32p4/target). libsodium and cJSON come from Debian's source packages, unpacked into
# TARGET_DEPS_DIR and never committed.
TARGET_BUILD_DIR := build/target
TARGET_DEPS_DIR := build/target-deps
TARGET_DEPS_STAMP := $(TARGET_DEPS_DIR)/unpacked.stamp
TARGET_RUN := hosts/esp32p4/target/run-qemu.sh
# An empty WASM3_SOURCE_DIR removes the setting from the CMake cache, so a tree given to an
# earlier build is not used after it is no longer asked for.
ifneq ($(strip $(WASM3_SOURCE_DIR)),)
HOMEBASE_WASM3_FLAG := -DWASM3_SOURCE_DIR=$(abspath $(WASM3_SOURCE_DIR))
TARGET_ENGINES := wasm2c wasm3
else
HOMEBASE_WASM3_FLAG := -UWASM3_SOURCE_DIR
TARGET_ENGINES := wasm2c
endif

# The suites of `make test`, in the order they run; test-SUITE runs one of them.
TEST_SUITES := typecheck core node-pglite node-postgres homebase target fuzz tools e2e ci

.PHONY: help run test deps deps-debian deps-npm build core homebase api-types typecheck postgres \
	test-core test-node test-node-pglite test-node-postgres test-homebase test-tools test-e2e \
	test-ci test-typecheck bench-core clean fuzz-build test-fuzz fuzz-homebase check-idf \
	target-deps target-build test-target bench-target

help:
	@echo "make run                 build, then start the whole system"
	@echo "make test                run every suite: $(TEST_SUITES)"
	@echo "make deps                install missing Debian packages (as root) and npm packages"
	@echo "make build               build the core (core/build/core.wasm) and the Linux home base"
	@echo "make core | homebase     build one of them"
	@echo "make typecheck           tsc over the TypeScript sources"
	@echo "make api-types           regenerate hosts/node/src/api/openapi-types.ts from openapi.yaml"
	@echo "make test-SUITE          run one suite (test-node runs node-pglite and node-postgres)"
	@echo "make bench-core          frame intake speed of the core against bare Ed25519 verify (no test)"
	@echo "make bench-target        instructions per frame on rv32imafc under QEMU (no test)"
	@echo "make fuzz-homebase       run each libFuzzer target for FUZZ_SECONDS (default 60), keeping a corpus"
	@echo "make check-idf           compile the ESP-IDF apps against the ESP-IDF tree IDF_PATH names (no test)"
	@echo "make clean               remove build outputs and test logs"

run: deps build
	$(NODE_TS) tools/launcher/run-system.ts

# Each suite runs even when an earlier one failed; the summary then fails the target.
test: deps
	@rm -rf build/test-results build/test-logs
	@status=0; \
	for suite in $(TEST_SUITES); do \
		$(MAKE) --no-print-directory test-$$suite || status=1; \
	done; \
	tools/ci/summarize-tests.sh $(TEST_SUITES) || status=1; \
	exit $$status

deps: deps-debian deps-npm

deps-debian:
	@tools/ci/install-debian-packages.sh $(DEBIAN_PACKAGES)

deps-npm:
	@tools/ci/install-npm-packages.sh

build: core homebase

# The route tests read response bodies through these types; a test fails when they are stale.
api-types: | deps-npm
	node_modules/.bin/openapi-typescript openapi.yaml -o hosts/node/src/api/openapi-types.ts

core: $(CORE_WASM)

$(CORE_WASM): $(CORE_SOURCES) | deps-npm
	npx asc --config core/asconfig.json --target release

homebase: $(CORE_WASM) | deps-debian
	cmake -S hosts/esp32p4/linux -B $(HOMEBASE_BUILD_DIR) $(HOMEBASE_WASM3_FLAG)
	@# Without MAKELEVEL the generated makefiles do not print "Entering directory" on every step.
	env -u MAKELEVEL cmake --build $(HOMEBASE_BUILD_DIR) -j2

typecheck: | deps-npm
	npx tsc -p tsconfig.json

postgres:
	@TEST_DATABASE_URL='$(TEST_DATABASE_URL)' tools/ci/ensure-postgres.sh

test-typecheck: | deps-npm
	@$(RUN_SUITE) typecheck npx tsc -p tsconfig.json

test-core: $(CORE_WASM)
	@$(RUN_SUITE) core $(UVU) core/tests $(TEST_PATTERN)

test-node: test-node-pglite test-node-postgres

test-node-pglite: $(CORE_WASM)
	@env -u TEST_DATABASE -u TEST_DATABASE_URL $(RUN_SUITE) node-pglite $(UVU) hosts/node/src $(TEST_PATTERN)

test-node-postgres: $(CORE_WASM) postgres
	@TEST_DATABASE=postgres TEST_DATABASE_URL='$(TEST_DATABASE_URL)' \
		$(RUN_SUITE) node-postgres $(UVU) hosts/node/src $(TEST_PATTERN)

test-homebase: homebase
	@$(RUN_SUITE) homebase ctest --test-dir $(HOMEBASE_BUILD_DIR) --output-on-failure --no-tests=error

# libsodium and cJSON sources for the rv32 build. apt-get source needs a deb-src entry: one for this
# Debian release is added when apt has none (CI runs as root on a fresh machine).
target-deps: $(TARGET_DEPS_STAMP)

$(TARGET_DEPS_STAMP): | deps-debian
	@if ! grep -Eqs '^(Types:.*deb-src|deb-src )' /etc/apt/sources.list /etc/apt/sources.list.d/*; then \
		. /etc/os-release; \
		printf 'Types: deb-src\nURIs: http://deb.debian.org/debian\nSuites: %s %s-updates\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
			"$$VERSION_CODENAME" "$$VERSION_CODENAME" > /etc/apt/sources.list.d/homemesh-deb-src.sources; \
		echo "added /etc/apt/sources.list.d/homemesh-deb-src.sources"; \
	fi
	apt-get update -qq
	rm -rf $(TARGET_DEPS_DIR) && mkdir -p $(TARGET_DEPS_DIR)
	cd $(TARGET_DEPS_DIR) && apt-get source --download-only -qq libsodium cjson
	cd $(TARGET_DEPS_DIR) && for tarball in libsodium_*.orig.tar.* cjson_*.orig.tar.*; do \
		tar xf "$$tarball" || exit 1; done
	@touch $@

target-build: $(CORE_WASM) target-deps
	cmake -S hosts/esp32p4/target -B $(TARGET_BUILD_DIR) \
		-DCMAKE_TOOLCHAIN_FILE=$(abspath hosts/esp32p4/target/rv32-toolchain.cmake) \
		-DTARGET_DEPS_DIR=$(abspath $(TARGET_DEPS_DIR)) $(HOMEBASE_WASM3_FLAG)
	env -u MAKELEVEL cmake --build $(TARGET_BUILD_DIR) -j2

# core/vectors on rv32imafc under QEMU, once per engine; each run prints one count line per set.
test-target: target-build
	@$(if $(filter wasm3,$(TARGET_ENGINES)),,echo "wasm3 engine: skipped (set WASM3_SOURCE_DIR to a wasm3 source tree)")
	@$(RUN_SUITE) target $(TARGET_RUN) $(TARGET_BUILD_DIR)/vector_runner.elf $(TARGET_ENGINES)

# Not part of `make test`: instructions per frame and peak memory, one QEMU run per engine.
bench-target: target-build
	@$(TARGET_RUN) $(TARGET_BUILD_DIR)/bench_target.elf $(TARGET_ENGINES)

test-tools: $(CORE_WASM)
	@$(RUN_SUITE) tools $(UVU) tools $(TEST_PATTERN)

test-e2e: build
	@$(RUN_SUITE) e2e $(UVU) tests $(TEST_PATTERN)

fuzz-build: $(CORE_WASM) | deps-debian
	cmake -S hosts/esp32p4/linux -B $(FUZZ_BUILD_DIR) -DCMAKE_C_COMPILER=clang -DHB_FUZZ=ON \
		-DHB_FUZZ_RUNS=$(FUZZ_RUNS) -UWASM3_SOURCE_DIR > /dev/null
	env -u MAKELEVEL cmake --build $(FUZZ_BUILD_DIR) -j2 --target $(FUZZ_TARGETS)

# A short run of each target with a fixed seed, as ctest tests labelled fuzz.
test-fuzz: fuzz-build
	@$(RUN_SUITE) fuzz ctest --test-dir $(FUZZ_BUILD_DIR) -L fuzz --output-on-failure --no-tests=error

# A local check, not part of `make test`: CI has no ESP-IDF tree. Compiles the ESP-IDF apps against
# the headers of the tree IDF_PATH names (hosts/esp32p4/idf-check/compile.sh says how).
check-idf:
	@test -n "$(IDF_PATH)" || { echo "set IDF_PATH to an ESP-IDF 5.4 source tree" >&2; exit 2; }
	@tools/ci/install-debian-packages.sh gcc-riscv64-unknown-elf libnewlib-dev python3-kconfiglib \
		libsodium-dev libcjson-dev libmbedtls-dev
	hosts/esp32p4/idf-check/compile.sh $(IDF_PATH)

# Longer runs, not part of `make test`. Each target keeps its corpus in build/fuzz/corpus/TARGET,
# so a later run starts where this one stopped; a crash leaves its input in build/fuzz/crashes.
fuzz-homebase: fuzz-build
	@mkdir -p $(FUZZ_BUILD_DIR)/crashes
	@status=0; for target in $(FUZZ_TARGETS); do \
		mkdir -p $(FUZZ_BUILD_DIR)/corpus/$$target; \
		echo "== $$target for $(FUZZ_SECONDS) s"; \
		$(FUZZ_BUILD_DIR)/$$target $(FUZZ_BUILD_DIR)/corpus/$$target -max_total_time=$(FUZZ_SECONDS) \
			-max_len=600 -print_final_stats=1 -artifact_prefix=$(FUZZ_BUILD_DIR)/crashes/$$target- \
			|| status=1; \
	done; exit $$status

# The shell tests of the CI scripts themselves; each prints its own "N passed, N failed" line.
test-ci:
	@$(RUN_SUITE) ci bash -c 'status=0; for t in tools/ci/*.test.sh; do bash "$$t" || status=1; done; exit $$status'

# Not part of `make test`: it measures speed and prints it, and fails only when a side breaks.
bench-core: $(CORE_WASM) | deps-debian
	$(NODE_TS) bench/node/core_verify.ts $(BENCH_ROUNDS)
	cmake -S hosts/esp32p4/linux -B $(BENCH_BUILD_DIR) -DCMAKE_BUILD_TYPE=Release -DHB_SANITIZE=OFF \
		-DHB_BENCH=ON $(HOMEBASE_WASM3_FLAG) > /dev/null
	env -u MAKELEVEL cmake --build $(BENCH_BUILD_DIR) -j2 --target bench_core > /dev/null
	$(BENCH_BUILD_DIR)/bench_core $(BENCH_ROUNDS)

clean:
	rm -rf core/build build
