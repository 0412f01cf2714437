# Two commands do everything on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
OUT    ?= data/out
PORT   ?= 8082

.PHONY: run test test-fast lint typecheck bench bench-quick scheduler evaluate clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

## Clean the five seed pages with Luigi's local scheduler into data/out/.
run: $(STAMP)
	$(PY) -m pipeline run --input seeds --output $(OUT) --local-scheduler

## Lint, type-check and run the whole test suite (what CI runs). .ci/preflight installs Chromium
## when it can (root), and says loudly what will be skipped otherwise, again after the tests.
test: $(STAMP) lint typecheck
	@bash .ci/preflight
	@$(PY) -m pytest -q; status=$$?; WEBCLEAN_NO_INSTALL=1 CI= bash .ci/preflight; exit $$status

test-fast: $(STAMP)
	$(PY) -m pytest -q -m "not slow and not browser and not scheduler"

lint: $(STAMP)
	$(PY) -m ruff check pipeline tests bench
	$(PY) -m ruff format --check pipeline tests bench

typecheck: $(STAMP)
	$(PY) -m mypy

## Score the seeds against their gold annotations (GOLD=DIR to use another copy).
GOLD ?= ../shared/gold/seeds
evaluate: $(STAMP)
	@test -d $(GOLD) || { echo "error: make evaluate needs the gold annotations in $(GOLD): put ../shared beside the repository, or pass GOLD=DIR" >&2; exit 2; }
	$(PY) -m pipeline run --input seeds --output data/eval-seeds --local-scheduler --overwrite >/dev/null
	$(PY) -m pipeline evaluate --gold $(GOLD) --output data/eval-seeds

## Throughput benchmark: naive loop vs the Luigi pipeline (see bench/README.md).
bench: $(STAMP)
	$(PY) bench/run.py

bench-quick: $(STAMP)
	$(PY) bench/run.py --quick

## Central scheduler (luigid) on 127.0.0.1:$(PORT), state and logs under data/luigid/.
scheduler: $(STAMP)
	$(PY) -m pipeline scheduler --port $(PORT)

## Only the tests that start a real luigid or drive headless Chromium (see docs/operations.md).
.PHONY: test-scheduler
test-scheduler: $(STAMP)
	$(PY) -m pytest tests/integration -q -m "scheduler or browser"

clean:
	rm -rf data/out data/eval-seeds bench/out
