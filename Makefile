# Client portal for ISPs. `make help` lists the targets.
SHELL := /bin/bash
GO ?= go
BIN := bin/portal
DATA ?= data
# The demo listens on loopback only; LISTEN=:9080 (or HOST:PORT) serves other machines too.
LISTEN ?= 127.0.0.1:9080
PKGS := ./...
# staticcheck runs from the module proxy at a pinned version: no global tool needed.
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2
# -trimpath: builds do not record the checkout's directory, so a clone elsewhere (CI
# runs `make test` on a clean clone) reuses the packages the build cache compiled for
# another one; without it every clone compiled all of ours again for every pass (the
# race pass's test binaries in a new clone: 3:07 without, 1:03 with). Panics and
# profiles name files by module path instead of by path on this disk.
export GOFLAGS := $(strip $(GOFLAGS) -trimpath)

.DEFAULT_GOAL := help

## help: list the targets
help:
	@grep -E '^## ' $(MAKEFILE_LIST) | sed -e 's/^## /  /' -e 's/: / — /'

## build: build the portal binary into bin/portal
build:
	$(GO) build -o $(BIN) ./cmd/portal

## deps: Debian packages the portal uses at run time (DejaVu fonts for Czech letters in PDFs)
deps:
	@if ! [ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ]; then \
	  echo "deps: installing fonts-dejavu-core (PDFs print Czech letters with it)"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO="sudo -n"; fi; \
	  ($$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq fonts-dejavu-core >/dev/null) \
	    || echo "deps: could not install fonts-dejavu-core; PDFs will drop diacritics"; \
	fi

## run: build, add the demo data (once, idempotent) and start the portal on LISTEN (127.0.0.1:9080) with DATA (data)
run: deps build
	@$(BIN) --data $(DATA) --listen $(LISTEN) demo
	@$(BIN) --data $(DATA) --listen $(LISTEN) serve

# RACE instruments our code and every Go dependency except the SQLite library of
# modernc.org: C translated to Go, which the race detector would not see as cgo either,
# and instrumenting it made SQLite-heavy tests up to 20 times slower (seeding the demo:
# 1.5 s plain, 28 s instrumented, 9.6 s with it left out). modernc.org/libc stays
# instrumented: it holds the locks and atomics SQLite synchronizes with, and leaving
# it out too produced race reports that were not there.
RACE := -race -gcflags=modernc.org/sqlite/lib=-race=false
## test: format and vet checks, every test with the race detector, the Go tests again on PostgreSQL, every fuzz target briefly, then the browser suite
test: lint-basic deps test-deps
	@echo "test: go test -race from $$(date +%T)"
	$(GO) test $(RACE) -vet=off -count=1 -timeout 15m $(PKGS)
	@echo "test: PostgreSQL pass from $$(date +%T)"
	$(MAKE) test-postgres
	@echo "test: hostile-input and other-client walks on SQLite (built without -race, see cmd/portal/hostile_api_test.go) from $$(date +%T)"
	$(GO) test -vet=off -count=1 -run '^(TestHostile|TestOtherClient)' ./cmd/portal
	@echo "test: fuzz from $$(date +%T)"
	$(MAKE) fuzz
	@echo "test: browser suite from $$(date +%T)"
	$(MAKE) e2e E2E_SHOTS=0
	@echo "test: done at $$(date +%T)"

## test-postgres: the Go tests that reach the database, again on a throw-away PostgreSQL cluster (started as an unprivileged user; without -race to keep the time)
# A package whose test binary does not link internal/db runs the same test on either
# engine, so only the others run again (go vet ran in lint-basic, hence -vet=off).
# Four packages at a time: the pass waits on the database more than it computes
# (on 2 cores, -p 2 took 4:10 and -p 4 2:50 for the same CPU time).
test-postgres: postgres-deps
	@pkgs=$$($(GO) list -test -f '{{.ImportPath}} {{join .Deps " "}}' $(PKGS) | awk '$$1 ~ /\.test$$/ { \
	  for (i = 2; i <= NF; i++) if ($$i == "github.com/ispportal/portal/internal/db") { sub(/\.test$$/, "", $$1); print $$1; break } }'); \
	echo "test-postgres: the $$(echo $$pkgs | wc -w) packages whose tests reach the database"; \
	$(GO) run ./internal/db/pgcluster/pgrun $(GO) test -p 4 -vet=off -count=1 -timeout 15m $$pkgs

## fuzz: run every Fuzz target of every package for FUZZTIME each (default 3s; e.g. FUZZTIME=5m)
# The targets are found by name, so a new FuzzX in any _test.go runs without a change
# here. Each package's instrumented test binary is built once (`go test -c -fuzz`) and
# run once per target, as `go test -fuzz` would (in the package directory, with the
# same corpus cache); linking it anew for every target took most of this step. A
# failing input is saved under that package's testdata/fuzz/ (commit it: it becomes
# a seed) and stops the loop. scripts/fuzz-one.sh runs a target (and tries once more
# a run that only hit Go 1.26's fuzztime race, go.dev/issue/75804).
FUZZTIME ?= 3s
fuzz:
	@set -e; n=0; bin=$$(mktemp -d); trap 'rm -rf "$$bin"' EXIT; cache=$$($(GO) env GOCACHE)/fuzz; \
	for dir in $$(grep -l '^func Fuzz' $$(find . -name '*_test.go' -not -path '*/node_modules/*' -not -path './data/*') | xargs -n1 dirname | sort -u); do \
	  pkg=$$($(GO) list $$dir); \
	  $(GO) test -c -fuzz=. -o "$$bin/fuzz.test" $$dir; \
	  for target in $$(sed -n 's/^func \(Fuzz[A-Za-z0-9_]*\)(.*/\1/p' $$dir/*_test.go | sort); do \
	    echo "fuzz: $$target in $$dir for $(FUZZTIME)"; \
	    sh scripts/fuzz-one.sh "$$bin/fuzz.test" $$dir $$target $(FUZZTIME) "$$cache/$$pkg"; \
	    n=$$((n+1)); \
	  done; \
	done; \
	echo "fuzz: $$n targets, no failure"

## stripe-mock: Stripe's API mock the payment tests start (installed from the Go module proxy when missing)
STRIPE_MOCK := github.com/stripe/stripe-mock@v0.203.0
stripe-mock:
	@command -v stripe-mock >/dev/null 2>&1 || [ -x "$$($(GO) env GOPATH)/bin/stripe-mock" ] || { \
	  echo "test-deps: installing $(STRIPE_MOCK)"; \
	  $(GO) install $(STRIPE_MOCK) || { echo "test-deps: FAILED: stripe-mock could not be installed from the Go module proxy"; exit 1; }; }

## postgres-deps: Debian's postgresql (initdb, pg_ctl) for the PostgreSQL test pass and make bench DB=postgres
postgres-deps:
	@if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && ! command -v initdb >/dev/null 2>&1; then \
	  echo "test-deps: installing Debian's postgresql (the tests start a throw-away cluster)"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO="sudo -n"; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq postgresql >/dev/null \
	    || { echo "test-deps: FAILED: postgresql could not be installed (needs root or sudo, and Debian's package archive)"; exit 1; }; \
	fi

## test-deps: Debian packages the tests run against (Kannel with its fake SMSC for the SMS gateway tests, PostgreSQL, redis-server for shared limits) and stripe-mock
test-deps: stripe-mock postgres-deps
	@if ! { command -v bearerbox || [ -x /usr/sbin/bearerbox ]; } >/dev/null 2>&1 \
	  || ! { command -v smsbox || [ -x /usr/sbin/smsbox ]; } >/dev/null 2>&1 \
	  || ! { command -v fakesmsc || [ -x /usr/lib/kannel/test/fakesmsc ]; } >/dev/null 2>&1; then \
	  echo "test-deps: installing Debian's kannel and kannel-extras (bearerbox, smsbox, fakesmsc)"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO="sudo -n"; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq kannel kannel-extras >/dev/null \
	    || { echo "test-deps: FAILED: kannel could not be installed (needs root or sudo, and Debian's package archive)"; exit 1; }; \
	fi
	@if ! command -v redis-server >/dev/null 2>&1; then \
	  echo "test-deps: installing Debian's redis-server (limits shared between instances)"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO="sudo -n"; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq redis-server >/dev/null \
	    || { echo "test-deps: FAILED: redis-server could not be installed (needs root or sudo, and Debian's package archive)"; exit 1; }; \
	fi

## e2e: browser tests in headless Chromium (installs Debian's chromium and axe-core when missing)
# The tests run E2E_PARALLEL at a time, each with its own server, data and browser;
# E2E_SHOTS=0 skips the pictures of every page in e2e/screenshots (make test does).
E2E_PARALLEL ?= 3
E2E_SHOTS ?= 1
e2e: e2e-deps stripe-mock
	E2E_SHOTS=$(E2E_SHOTS) $(GO) test -tags e2e -count=1 -timeout 30m -parallel $(E2E_PARALLEL) ./e2e/

e2e-deps:
	@if ! command -v chromium >/dev/null 2>&1 && ! command -v chromium-browser >/dev/null 2>&1; then \
	  echo "e2e: installing Debian's chromium package"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO="sudo -n"; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null \
	    || { echo "e2e: FAILED: chromium could not be installed (needs root or sudo, and Debian's package archive)"; exit 1; }; \
	fi
	@[ -f e2e/node_modules/axe-core/axe.min.js ] || npm ci --prefix e2e --no-audit --no-fund --loglevel=error \
	  || { echo "e2e: FAILED: axe-core could not be installed from the npm registry"; exit 1; }

## lint-basic: gofmt, go vet and staticcheck (what CI enforces)
lint-basic:
	@echo "lint-basic: from $$(date +%T)"
	@unformatted=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$unformatted" ]; then echo "gofmt needed:"; echo "$$unformatted"; exit 1; fi
	$(GO) vet $(PKGS)
	$(GO) run $(STATICCHECK) $(PKGS)

## cover: tests with a coverage summary
cover:
	$(GO) test -count=1 -cover $(PKGS)

## docs: regenerate docs/settings.md from the settings registry
docs: build
	$(BIN) --data $$(mktemp -d) settings doc docs/settings.md

## audit: known-vulnerability check (needs the Go vulnerability database to be reachable)
audit:
	$(GO) run golang.org/x/vuln/cmd/govulncheck@latest ./...

## bench-data: generate the load-test data set into bench/data (reused while complete, brought to the current schema)
BENCH_DATA ?= bench/data
# BENCH_MARK names the generator's version: a data set made by an older generator
# (without issue 20's usage records, rates and API account) is generated again.
BENCH_MARK = .complete-20
# SCALE=100000: `make bench` also generates a data set of that many clients into
# bench/data-SCALE and runs the page load on it after the 10,000-client one (issue 25).
SCALE ?=
bench-data: build
	@bash bench/data.sh $(BIN) $(BENCH_DATA) 10000 $(BENCH_MARK)
	@if [ -n "$(SCALE)" ]; then bash bench/data.sh $(BIN) $(BENCH_DATA)-$(SCALE) $(SCALE) $(BENCH_MARK); fi

## bench: load test of the real server on the bench data set, with a baseline row, traffic and login benchmarks (about 10 minutes; SCALE=100000 adds the large data set; DB=postgres adds the page load on PostgreSQL)
# DB=postgres: the page load runs again on a throw-away PostgreSQL cluster (pgrun), on a
# copy of the same data set, and each page's requests/s is printed beside SQLite's; then
# once more with the database server pinned to a CPU of its own (docs/modules/bench.md).
DB ?= sqlite
bench: bench-data $(if $(filter postgres,$(DB)),postgres-deps)
	$(GO) build -o bin/bench-baseline ./bench/baseline
	$(GO) build -o bin/bench-load ./bench/load
	$(GO) build -o bin/bench-push ./bench/push
	$(GO) build -o bin/pgrun ./internal/db/pgcluster/pgrun
	@BIN=$(BIN) BASELINE=bin/bench-baseline BENCH_DATA=$(BENCH_DATA) SCALE=$(SCALE) \
	  $(if $(filter postgres,$(DB)),bin/pgrun -production -database bench) bash bench/run.sh

## dup-count: pairs of repeated places in the non-test code (needs the duplicates tool)
dup-count:
	@sh scripts/dup-count.sh

## clean: remove build output (never data/)
clean:
	rm -rf bin out

.PHONY: help deps build run test test-postgres postgres-deps test-deps stripe-mock fuzz e2e e2e-deps lint-basic cover docs audit clean bench bench-data dup-count
