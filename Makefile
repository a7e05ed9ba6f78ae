# fgsdeploy: build, test, lint, bench.
GO       ?= go
VERSION  ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS  := -s -w -X main.version=$(VERSION)

.PHONY: build test lint bench soak fuzz clean

build:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o bin/fgsdeploy .

STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2

# test is what CI runs (.ci/run): the lint checks, then every test with
# the race detector.
test: lint
	$(GO) test -race -count=1 ./...

# lint: gofmt, vet and staticcheck (pinned; go run fetches it through the
# module proxy, nothing to install by hand).
lint:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); if [ -n "$$out" ]; then echo "gofmt would change: $$out"; exit 1; fi
	$(GO) vet ./...
	$(GO) run $(STATICCHECK) ./...

# bench measures; it never fails on a figure. See docs/benchmarks.md.
bench: build
	$(GO) test -run '^$$' -bench . -benchmem ./...
	@if [ -x bench/run.sh ]; then bench/run.sh; fi

# fuzz runs every fuzz target for FUZZTIME each (the seeds also run in make test).
# FUZZMINIMIZE bounds the minimising of each new interesting input: left at
# Go's default (60s) it can use up most of a short FUZZTIME.
FUZZTIME ?= 30s
FUZZMINIMIZE ?= 5s
fuzz:
	@for pkg in $$($(GO) list ./...); do \
	  for f in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz' | sort -u); do \
	    echo "== $$pkg $$f"; \
	    $(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) -fuzzminimizetime $(FUZZMINIMIZE) $$pkg || exit 1; \
	  done; \
	done

# soak: the long runs. TestSoak converges many functions under injected
# faults; TestReleaseHistory/random replays a long randomised monorepo
# history against the release model (its seed is printed on failure;
# FGSDEPLOY_SOAK_SEED=N replays it).
soak:
	FGSDEPLOY_SOAK=long $(GO) test -race -count=1 -run Soak -timeout 30m ./applier/
	FGSDEPLOY_SOAK=long $(GO) test -race -count=1 -run TestReleaseHistory -timeout 30m .

clean:
	rm -rf bin
