# Two commands matter: `make devnet` and `make test`. Everything builds with the Rust toolchain
# alone (no system packages).
CARGO ?= cargo
CARGO_FLAGS ?= --locked

.PHONY: test lint fmt build release clippy devnet bench bench-light vectors general-vectors

## test: build everything and run every test (what CI runs).
test:
	$(CARGO) test $(CARGO_FLAGS) --workspace --all-targets
	$(CARGO) test $(CARGO_FLAGS) --workspace --doc

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
