# Client portal for ISPs. `make help` lists the targets.
SHELL := /bin/bash
GO ?= go
BIN := bin/portal
DATA ?= data
LISTEN ?= :9080
PKGS := ./...

.DEFAULT_GOAL := help

## help: list the targets
help:
	@grep -E '^## ' $(MAKEFILE_LIST) | sed -e 's/^## /  /' -e 's/: / — /'

## build: build the portal binary into bin/portal
build:
	$(GO) build -o $(BIN) ./cmd/portal

## run: build, add the demo data (once, idempotent) and start the portal on :9080
run: build
	@$(BIN) --data $(DATA) demo
	@echo "Open http://localhost$(LISTEN)/ (staff console: http://localhost$(LISTEN)/admin)"
	@$(BIN) --data $(DATA) --listen $(LISTEN) serve

## test: format and vet checks, then every test with the race detector
test: lint-basic
	$(GO) test -race -count=1 -timeout 15m $(PKGS)

## lint-basic: gofmt and go vet (what CI enforces)
lint-basic:
	@unformatted=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$unformatted" ]; then echo "gofmt needed:"; echo "$$unformatted"; exit 1; fi
	$(GO) vet $(PKGS)

## cover: tests with a coverage summary
cover:
	$(GO) test -count=1 -cover $(PKGS)

## docs: regenerate docs/settings.md from the settings registry
docs: build
	$(BIN) --data $$(mktemp -d) settings doc docs/settings.md

## audit: known-vulnerability check (needs the Go vulnerability database to be reachable)
audit:
	$(GO) run golang.org/x/vuln/cmd/govulncheck@latest ./...

## clean: remove build output (never data/)
clean:
	rm -rf bin out

.PHONY: help build run test lint-basic cover docs audit clean
