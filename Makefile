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

# The devnet launcher needs the beacon node and light-operator client (issues 6-8). Until then,
# say so clearly instead of make's "no rule to make target".
devnet:
	@echo "make devnet: not available yet - the devnet launcher arrives with the beacon node and" >&2
	@echo "light-operator work (see README.md, Status). What runs today: make test." >&2
	@exit 2
