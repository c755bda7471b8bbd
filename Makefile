# openai-sim — the two commands: `make serve` and `make test`.
SHELL := /bin/bash
APT_PACKAGES := libmicrohttpd-dev libsqlite3-dev libyaml-dev pkg-config python3-venv wrk gcc
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
ARGS ?=

.PHONY: deps pgo-fresh build serve test test-unit validate-scenarios test-python test-fuzz bench clean

## Install the system libraries that are missing (Debian/Ubuntu).
deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

## The release build is profile-guided (pgo/README.md). The Swift driver does not recompile when
## only the profile changes, so a changed profile clears the release build once.
pgo-fresh:
	@want="$$(cksum pgo/openai-sim.profdata 2>/dev/null)"; \
	if [ "$$(cat .build/pgo.stamp 2>/dev/null)" != "$$want" ]; then \
	  if [ -e .build/release ]; then echo "pgo profile changed: clearing the release build"; rm -rf "$$(readlink -f .build/release)"; fi; \
	  mkdir -p .build && printf '%s' "$$want" > .build/pgo.stamp; \
	fi

build: deps pgo-fresh
	swift build -c release --product openai-sim

## Build (release) and serve on 127.0.0.1:4010. Pass flags with ARGS="--clock virtual --seed 7".
serve: build
	.build/release/openai-sim serve $(ARGS)

## Every test: Swift unit/in-process/live tests, the Python live-daemon and official-SDK interop
## suites, then the spec-driven fuzz run.
test: deps test-unit validate-scenarios test-python test-fuzz

test-unit:
	swift build --build-tests
	swift test --skip-build

## Every scenario in scenarios/ must parse and validate (exit 1 with file:line messages otherwise).
validate-scenarios:
	swift build --product openai-sim
	.build/debug/openai-sim scenarios validate --dir scenarios

## Both suites run twice: against the debug build (assertions on) and against the release build
## `make serve` runs (optimized and profile-guided, see pgo/README.md); the linkage test checks it too.
test-python: pgo-fresh
	swift build --product openai-sim
	swift build -c release --product openai-sim
	OPENAI_SIM_BIN=$(CURDIR)/.build/debug/openai-sim OPENAI_SIM_RELEASE_BIN=$(CURDIR)/.build/release/openai-sim \
	  scripts/interop.sh Tests/live
	OPENAI_SIM_BIN=$(CURDIR)/.build/release/openai-sim OPENAI_SIM_RELEASE_BIN=$(CURDIR)/.build/release/openai-sim \
	  scripts/interop.sh Tests/live

## Robustness and conformance: schemathesis sends ~56,000 requests generated from the official spec
## (valid and invalid) to the release build; a 5xx answer, a request over 10 s, a crash or a JSON
## answer the spec refuses fails (scripts/fuzz.sh).
test-fuzz: pgo-fresh
	swift build -c release --product openai-sim
	OPENAI_SIM_BIN=$(CURDIR)/.build/release/openai-sim scripts/fuzz.sh

bench: deps
	bench/run.sh
	python3 bench/batch.py

clean:
	rm -rf .build
