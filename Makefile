# The portal's commands. `make run` and `make test` need only Go, make and
# git (plus chromium and npm for the browser tests); they build the
# development services into ./bin on first use.
GO ?= go
export GOFLAGS := -buildvcs=false
# go.mod names the toolchain with the current security fixes; the go
# command fetches it from the module proxy when the local Go is older.
export GOTOOLCHAIN := auto
MINIO_VERSION := v0.0.0-20260212201848-7aac2a2c5b7c
SOURCES := $(shell find . -path ./node_modules -prune -o -path ./bin -prune -o -path ./tools -prune -o -type f \( -name '*.go' -o -path './views/*' -o -path './demo/*' -o -path './classify/*' -o -path './cases/*' \) -print) go.mod go.sum

.PHONY: run test bench build check clean vulncheck mutation

run: bin/portal bin/ferretdb bin/minio
	./scripts/run.sh

test: bin/ferretdb bin/minio node_modules/axe-core/axe.min.js
	gofmt -l . | (! grep .) || (echo "gofmt would change the files above" && false)
	$(GO) vet ./...
	./scripts/test.sh

bench: bin/portal bin/ferretdb bin/minio
	./scripts/bench.sh

build: bin/portal

# Rules no test guards: mutation testing of the packages that carry them.
mutation: bin/ferretdb bin/minio
	./scripts/mutation.sh

# Known vulnerabilities in the modules and the Go release the code calls.
vulncheck:
	./scripts/vulncheck.sh

bin/portal: $(SOURCES)
	$(GO) build -o $@ ./cmd/portal

bin/ferretdb: tools/go.mod tools/go.sum tools/ferretdb/main.go
	cd tools && $(GO) build -o ../bin/ferretdb ./ferretdb

# MinIO takes a few minutes to build on two cores; it is built once.
bin/minio:
	GOBIN=$(CURDIR)/bin $(GO) install github.com/minio/minio@$(MINIO_VERSION)

node_modules/axe-core/axe.min.js: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

clean:
	rm -rf bin node_modules
