# Two commands matter: `make devnet` and `make test`. Everything builds with the Rust toolchain
# alone (no system packages).
CARGO ?= cargo
CARGO_FLAGS ?= --locked

.PHONY: test lint fmt build release clippy

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
