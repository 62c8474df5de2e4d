# Build, test and run plsim. `make help` lists the targets.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
CHROMIUM := /usr/bin/chromium
PYTEST_FLAGS := -p no:cacheprovider -q

.DEFAULT_GOAL := help
.PHONY: help venv browser demo test test-slow bench lint docs clean

help: ## list the targets
	@echo "plsim make targets:"
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | \
		awk 'BEGIN {FS = ":.*## "}; {printf "  %-10s %s\n", $$1, $$2}'

venv: $(STAMP) ## create .venv and install plsim (editable) with the dev, prim, fit and pdf extras

# The editable install maps only the top-level packages that exist when it runs, so the
# stamp also depends on their __init__.py files: a package that appears later triggers a
# (quick) reinstall. Otherwise re-running is instant until pyproject.toml changes.
# Everything is installed from the package index: nothing relies on a local cache.
PKG_INITS := $(wildcard simulation/__init__.py experiments/__init__.py interfaces/__init__.py)

$(STAMP): pyproject.toml $(PKG_INITS)
	@echo "==> venv: creating $(VENV) with $(PYTHON) and installing -e '.[dev,prim,fit,pdf]'"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,prim,fit,pdf]'
	@touch $@
	@echo "==> venv: ready ($(BIN)/python)"

browser: ## make sure the system chromium used by browser tests is installed
	@echo "==> browser: checking for $(CHROMIUM)"
	@if [ -x $(CHROMIUM) ]; then \
		echo "==> browser: found $$($(CHROMIUM) --version 2>/dev/null || echo $(CHROMIUM))"; \
	elif [ "$$(id -u)" = "0" ]; then \
		echo "==> browser: $(CHROMIUM) missing; installing the Debian chromium package"; \
		apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium; \
	else \
		echo "==> browser: WARNING: $(CHROMIUM) is missing and we are not root."; \
		echo "    Install it with: sudo apt-get install -y chromium"; \
		echo "    Tests marked 'browser' cannot run without it."; \
	fi

demo: venv ## run the baseline scenario and a four-policy comparison into results/demo
	@echo "==> demo: baseline run -> results/demo/baseline"
	$(BIN)/plsim run baseline_guangdong_2024 --out results/demo/baseline --force
	@echo "==> demo: policy comparison -> results/demo/compare"
	$(BIN)/plsim compare baseline_guangdong_2024 ding_full_model coaching_only devices_only \
		--out results/demo/compare --force

test: venv browser ## run the fast test suite (everything not marked slow)
	@echo "==> test: pytest -m 'not slow'"
	$(BIN)/pytest $(PYTEST_FLAGS) -m "not slow"

test-slow: venv browser ## run the tests marked slow (none collected counts as success)
	@echo "==> test-slow: pytest -m slow"
	@rc=0; $(BIN)/pytest $(PYTEST_FLAGS) -m slow || rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "==> test-slow: no slow tests collected (ok)"; exit 0; fi; \
	exit $$rc

bench: venv ## run the benchmarks
	@echo "==> bench: python -m benchmarks"
	$(BIN)/python -m benchmarks

lint: venv ## lint with ruff and type-check simulation/ and experiments/ with mypy
	@echo "==> lint: ruff check ."
	$(BIN)/ruff check .
	@echo "==> lint: mypy (simulation/, experiments/)"
	$(BIN)/mypy

docs: venv ## generate the parameter documentation
	@echo "==> docs: python -m simulation.parameters_doc"
	$(BIN)/python -m simulation.parameters_doc

clean: ## remove .venv, build output and caches (keeps results/)
	@echo "==> clean: removing $(VENV), build output and caches (results/ is kept)"
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .ruff_cache dask-worker-space
	find . -path ./.git -prune -o -path ./results -prune -o \
		-type d -name __pycache__ -prune -exec rm -rf {} +
