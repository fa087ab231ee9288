# Two commands do all the set-up on a fresh machine with Python 3.11+:
#   make run    install what the toolkit needs (no dev group), train on the seeds, write the report
#   make test   install with the dev group (pytest, ruff, hypothesis, gensim, playwright), run the tests
# uv is bootstrapped into .tools/ when it is not on PATH. `make install` is the developer set-up
# (dev group included); `make run` afterwards keeps the dev packages (--inexact).

UV := $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)
PYTHON ?= python3

.PHONY: run test lint bench install install-run

.tools/bin/uv:
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet uv

.venv/.synced: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen
	touch $@

.venv/.synced-run: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --no-dev --inexact
	touch $@

install: .venv/.synced

install-run: .venv/.synced-run

run: install-run
	$(UV) run --frozen --no-dev topics train --force
	$(UV) run --frozen --no-dev topics report --force

test: install
	$(UV) run --frozen ruff check topics tests bench
	$(UV) run --frozen pytest -q

lint: install
	$(UV) run --frozen ruff check topics tests bench
	$(UV) run --frozen ruff format --check topics tests bench

bench: install
	$(UV) run --frozen python -m bench $(BENCH_ARGS)
