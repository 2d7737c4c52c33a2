# Two commands matter: `make devnet` and `make test`. Everything builds with the Rust toolchain
# alone (no system packages).
CARGO ?= cargo
CARGO_FLAGS ?= --locked

.PHONY: test lint fmt build release clippy devnet bench bench-light vectors general-vectors fuzz fuzz-seeds fuzz-cmin

## test: build everything and run every test (what CI runs). RUST_BACKTRACE=1 so that a panic
## anywhere, in a test or in a node a process test starts, prints where it happened.
test:
	RUST_BACKTRACE=1 $(CARGO) test $(CARGO_FLAGS) --workspace --all-targets
	RUST_BACKTRACE=1 $(CARGO) test $(CARGO_FLAGS) --workspace --doc

## lint: formatting check and clippy with warnings as errors.
lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy $(CARGO_FLAGS) --workspace --all-targets -- -D warnings

## fmt: format the workspace.
fmt:
	$(CARGO) fmt --all

## build: debug build of the `rainbow` binary.
build:
	$(CARGO) build $(CARGO_FLAGS) -p rainbow

## release: optimised `rainbow` binary in target/release/rainbow.
release:
	$(CARGO) build $(CARGO_FLAGS) --release -p rainbow

## bench: criterion benchmarks (release build): BLS verification against the blst floor, state
## SSZ / hashing / LevelDB, block and epoch processing. Results: docs/benchmarks.md.
## BENCH_ARGS="light_certificate" runs a subset (criterion filter).
bench:
	$(CARGO) bench $(CARGO_FLAGS) -p rainbow-bench -- $(BENCH_ARGS)

## bench-light: peak RSS and CPU of `rainbow light` over a devnet run (release build;
## DURATION=seconds, default 120). Prints a row for docs/light-operator.md.
bench-light: release
	RAINBOW=target/release/rainbow DURATION=$${DURATION:-120} scripts/light-footprint.sh

## devnet: build `rainbow` and run a local devnet of real processes (4 beacon nodes, 8 light
## clients, a spammer) until Ctrl-C or SLOTS=n; status line per slot, report in DEVNET_DIR.
## More: DEVNET_ARGS="--heavy 6 --coupling weak" (see `rainbow devnet --help`).
DEVNET_DIR ?= devnet-runs/$(shell date -u +%Y%m%dT%H%M%SZ)
devnet:
	$(CARGO) build $(CARGO_FLAGS) -p rainbow
	target/debug/rainbow devnet --out $(DEVNET_DIR) $(if $(SLOTS),--slots $(SLOTS),) $(DEVNET_ARGS)

## vectors: conformance vectors for both presets plus the standard BLS/shuffling cases, run and
## packed reproducibly into vectors-<version>.tar.gz (docs/spec-tests.md).
VECTORS_VERSION ?= v$(shell sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)
VECTORS_DIR ?= target/vectors/$(VECTORS_VERSION)
vectors:
	$(CARGO) build $(CARGO_FLAGS) -p rainbow
	rm -rf $(VECTORS_DIR)
	target/debug/rainbow spec-tests generate --preset minimal --out $(VECTORS_DIR)
	target/debug/rainbow spec-tests generate --preset mainnet --out $(VECTORS_DIR)
	cp -R spec-tests/general/tests/. $(VECTORS_DIR)/tests/
	target/debug/rainbow spec-tests run $(VECTORS_DIR)
	tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C $(VECTORS_DIR) -cf - tests \
		| gzip -n -9 > vectors-$(VECTORS_VERSION).tar.gz
	@echo "wrote vectors-$(VECTORS_VERSION).tar.gz ($$(du -h vectors-$(VECTORS_VERSION).tar.gz | cut -f1))"

## general-vectors: regenerate spec-tests/general (BLS with py_ecc, shuffling in Python) in a
## virtual environment under target/ (needs python3 and PyPI).
general-vectors:
	python3 -m venv target/py-venv
	target/py-venv/bin/pip install --quiet -r scripts/spec-tests/requirements.txt
	rm -rf spec-tests/general
	target/py-venv/bin/python scripts/spec-tests/gen_general_vectors.py --out spec-tests/general

## fuzz: install cargo-fuzz (pinned, into target/tools) and run every fuzz target for
## FUZZ_SECONDS (default 60) each, starting from the committed corpus fuzz/corpus/<target>.
## New inputs go to target/fuzz-corpus/<target>, crashes to target/fuzz-artifacts/<target>
## (copy a crash to fuzz/regressions/<target>/ once fixed: `make test` replays it). Builds on
## the stable toolchain without a sanitizer; FUZZ_SANITIZER=address adds ASan (it sets
## RUSTC_BOOTSTRAP=1, as sanitizers are unstable). FUZZ_TARGETS picks targets. docs/fuzzing.md.
CARGO_FUZZ_VERSION ?= 0.13.2
CARGO_FUZZ := target/tools/bin/cargo-fuzz
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?= gossip block_import transaction staking_request rpc http
FUZZ_SANITIZER ?= none
FUZZ_RUN = $(if $(filter none,$(FUZZ_SANITIZER)),,RUSTC_BOOTSTRAP=1) $(CARGO_FUZZ) fuzz
FUZZ_FLAGS = --fuzz-dir fuzz --features libfuzzer --target-dir target/fuzz -s $(FUZZ_SANITIZER)

$(CARGO_FUZZ):
	$(CARGO) install --locked --root target/tools --version $(CARGO_FUZZ_VERSION) cargo-fuzz

fuzz: $(CARGO_FUZZ)
	$(FUZZ_RUN) build $(FUZZ_FLAGS)
	@set -e; for t in $(FUZZ_TARGETS); do \
		mkdir -p target/fuzz-corpus/$$t target/fuzz-artifacts/$$t; \
		echo "== fuzz $$t for $(FUZZ_SECONDS) s"; \
		if ! $(FUZZ_RUN) run $(FUZZ_FLAGS) $$t target/fuzz-corpus/$$t fuzz/corpus/$$t -- \
			-max_total_time=$(FUZZ_SECONDS) -timeout=20 -rss_limit_mb=4096 -print_final_stats=1 \
			-artifact_prefix=target/fuzz-artifacts/$$t/ > target/fuzz-artifacts/$$t.log 2>&1; then \
			tail -n 60 target/fuzz-artifacts/$$t.log; \
			echo "fuzz target $$t failed: the input is in target/fuzz-artifacts/$$t/"; exit 1; \
		fi; \
		grep -E "^(#[0-9]+ +DONE|stat::number_of_executed_units|stat::peak_rss_mb)" target/fuzz-artifacts/$$t.log || tail -n 5 target/fuzz-artifacts/$$t.log; \
	done
	@echo "fuzzing done: no crash (new corpus inputs in target/fuzz-corpus; make fuzz-cmin keeps them)"

## fuzz-seeds: (re)write the seed inputs (valid messages from the fuzz fixture) to fuzz/corpus.
fuzz-seeds:
	$(CARGO) run $(CARGO_FLAGS) -p rainbow-fuzz --example seeds -- fuzz/corpus

## fuzz-cmin: merge target/fuzz-corpus into fuzz/corpus, keeping only inputs that add coverage.
fuzz-cmin: $(CARGO_FUZZ)
	@set -e; for t in $(FUZZ_TARGETS); do \
		mkdir -p target/fuzz-corpus/$$t; \
		$(FUZZ_RUN) run $(FUZZ_FLAGS) $$t fuzz/corpus/$$t target/fuzz-corpus/$$t -- -merge=1 2>&1 | tail -n 2; \
	done
