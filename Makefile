# Two commands matter: `make devnet` and `make test`. Everything builds with the Rust toolchain
# alone (no system packages).
CARGO ?= cargo
CARGO_FLAGS ?= --locked

.PHONY: test lint fmt build release clippy devnet bench-light

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
