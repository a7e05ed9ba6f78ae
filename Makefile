# fgsdeploy: build, test, lint, bench.
GO       ?= go
VERSION  ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS  := -s -w -X main.version=$(VERSION)

.PHONY: build install dist dist-check test lint bench soak fuzz clean

build:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o bin/fgsdeploy .

# install puts fgsdeploy in $(go env GOBIN), else $(go env GOPATH)/bin: the
# same binary as build, for a PATH that has that directory. (The module is
# not published, so go install github.com/fgsdeploy/fgsdeploy@latest does
# not work; from a clone, go install . does, without the version stamp.)
install:
	CGO_ENABLED=0 $(GO) install -trimpath -ldflags '$(LDFLAGS)' .

# dist builds release archives into $(DIST): for each of PLATFORMS a
# static -trimpath binary in a tar.gz (zip for Windows) with README.md and
# LICENSE, every entry at the commit's time (SOURCE_DATE_EPOCH), and
# SHA256SUMS. The same commit and toolchain give the same bytes:
# dist-check builds twice, the second time with an empty build cache, and
# compares. tools/dist does the packing (no tar or zip flags that differ
# between systems).
PLATFORMS ?= linux/amd64 linux/arm64 darwin/amd64 darwin/arm64 windows/amd64 windows/arm64
DIST ?= dist
SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null || echo 946684800)
dist:
	rm -rf $(DIST)
	@for p in $(PLATFORMS); do \
	  os=$${p%/*}; arch=$${p#*/}; ext=; [ "$$os" = windows ] && ext=.exe; \
	  echo "build $$os/$$arch"; \
	  CGO_ENABLED=0 GOOS=$$os GOARCH=$$arch $(GO) build -trimpath -buildvcs=false \
	    -ldflags '$(LDFLAGS) -buildid=' -o $(DIST)/.build/$${os}_$${arch}/fgsdeploy$$ext . || exit 1; \
	done
	$(GO) run ./tools/dist -version $(VERSION) -epoch $(SOURCE_DATE_EPOCH) -out $(DIST) $(DIST)/.build
	rm -rf $(DIST)/.build
	cd $(DIST) && (sha256sum -c SHA256SUMS 2>/dev/null || shasum -a 256 -c SHA256SUMS)

dist-check:
	$(MAKE) dist DIST=dist
	tmp=$$(mktemp -d) && GOCACHE=$$tmp/cache $(MAKE) dist DIST=$$tmp/again && \
	  cmp dist/SHA256SUMS $$tmp/again/SHA256SUMS && echo "dist is reproducible: $$(wc -l < dist/SHA256SUMS) archives, the same bytes twice"; \
	  status=$$?; chmod -R u+w $$tmp; rm -rf $$tmp; exit $$status

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
	rm -rf bin dist
