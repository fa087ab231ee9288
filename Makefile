# Two commands do all the set-up on a fresh machine with Python 3.11+:
#   make run    install, then train on the seeds and write the HTML report
#   make test   install, then run the test suite
# uv is bootstrapped into .tools/ when it is not on PATH.

UV := $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)
PYTHON ?= python3

.PHONY: run test lint bench install

.tools/bin/uv:
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet uv

.venv/.synced: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen
	touch $@

install: .venv/.synced

run: install
	$(UV) run --frozen topics train --force
	$(UV) run --frozen topics report --force

test: install
	$(UV) run --frozen ruff check topics tests bench
	$(UV) run --frozen pytest -q

lint: install
	$(UV) run --frozen ruff check topics tests bench
	$(UV) run --frozen ruff format --check topics tests bench

bench: install
	$(UV) run --frozen python -m bench $(BENCH_ARGS)
