# Not Alone Link Guard. The two commands: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
RUNTIME_STAMP := $(VENV)/.runtime-installed
DEV_STAMP     := $(VENV)/.dev-installed
# Mozilla's web-ext, pinned by tools/web-ext/package-lock.json (no global install).
WEB_EXT       := tools/web-ext/node_modules/.bin/web-ext
WEB_EXT_STAMP := tools/web-ext/node_modules/.installed
NODE_STAMP    := node_modules/.installed

.PHONY: run test lint typecheck unit node-test bench soak fuzz mutate extension system-deps clean help

help:
	@echo "make run        serve on http://127.0.0.1:8080 (creates .venv)"
	@echo "make test       install everything the tests need, then run every suite"
	@echo "make bench      run the benchmarks (ratios against baselines measured in the same run)"
	@echo "make soak       60 s: two replicas on one Redis under load, Redis killed, lists reloaded"
	@echo "make fuzz       property and schemathesis tests with fresh random examples, 10x as many"
	@echo "make mutate     mutation scores of the pure core and the extension (slow; docs/testing.md)"
	@echo "make extension  build installable extension zips into dist/"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(RUNTIME_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(DEV_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@ $(RUNTIME_STAMP)

run: $(RUNTIME_STAMP)
	$(BIN)/linkguard serve

system-deps:
	./scripts/ensure-system-deps.sh

$(WEB_EXT_STAMP): tools/web-ext/package.json tools/web-ext/package-lock.json
	npm ci --prefix tools/web-ext --no-audit --no-fund --silent
	touch $@

lint: $(DEV_STAMP) $(WEB_EXT_STAMP)
	$(BIN)/ruff check service tests bench scripts
	$(BIN)/lint-imports
	rm -rf build/web-ext-lint
	$(BIN)/python scripts/package_extension.py --dist build/web-ext-lint --unpacked >/dev/null
	$(WEB_EXT) lint --source-dir build/web-ext-lint/firefox --no-config-discovery

typecheck: $(DEV_STAMP)
	$(BIN)/mypy

unit: $(DEV_STAMP)
	$(BIN)/pytest -q

# jsdom for the warning page's node tests, Stryker for `make mutate` (package.json, dev only).
$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

node-test: $(NODE_STAMP)
	node --test extension/tests/

# The Firefox tests load the zip `make extension` just wrote, and may not skip under make test.
test: $(DEV_STAMP) system-deps lint typecheck extension $(NODE_STAMP)
	LINKGUARD_REQUIRE_FIREFOX=1 LINKGUARD_EXTENSION_DIST=dist $(BIN)/pytest -q
	node --test extension/tests/

bench: $(DEV_STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	$(BIN)/python -m bench

soak: $(DEV_STAMP)
	$(BIN)/python -m bench.soak --seconds 60

# `make test` runs the hypothesis/schemathesis tests derandomized (tests/fuzzing.py); this
# explores new random examples. FUZZ_SCALE multiplies every test's example count.
FUZZ_SCALE ?= 10
fuzz: $(DEV_STAMP)
	LINKGUARD_FUZZ_SCALE=$(FUZZ_SCALE) $(BIN)/pytest -q -s \
		tests/test_properties.py tests/test_schemathesis.py tests/test_urls.py tests/test_lists.py

# Mutation scores (docs/testing.md); not part of `make test`. mutmut over the pure core, then
# Stryker over extension/lib and the warning page, each bounded by MUTATE_SECONDS; results are
# kept, so a later run only retries what changed. Long: run it as `nohup make mutate > log &`.
# LINKGUARD_MUTATE_PRELOAD builds the tests' shared data once, before mutmut forks (tests/mutate_preload.py).
# MUTATE_MEMORY_KB caps each process's address space: a mutant that turns a loop endless while
# appending (seen: Index.match) would otherwise take the machine's memory before its timeout.
MUTATE_SECONDS ?= 5400
MUTATE_JOBS ?= 2
MUTATE_MEMORY_KB ?= 8000000
mutate: $(DEV_STAMP) $(NODE_STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,mutate]'
	mkdir -p reports/mutation
	-ulimit -v $(MUTATE_MEMORY_KB); LINKGUARD_MUTATE_PRELOAD=1 timeout $(MUTATE_SECONDS) \
		$(BIN)/mutmut run --max-children $(MUTATE_JOBS) > reports/mutation/mutmut.log 2>&1
	-timeout $(MUTATE_SECONDS) node_modules/.bin/stryker run --concurrency $(MUTATE_JOBS) \
		> reports/mutation/stryker.log 2>&1
	$(BIN)/python scripts/mutation_report.py

extension: $(RUNTIME_STAMP)
	$(BIN)/python scripts/package_extension.py

clean:
	rm -rf $(VENV) dist build tools/web-ext/node_modules .pytest_cache .mypy_cache .ruff_cache \
		node_modules mutants reports .stryker-tmp*
