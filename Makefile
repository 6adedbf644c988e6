# MovieLens-Lite: the two quick-start commands are `make lab` and `make test`.
# Both create .venv (with the machine's python3) when it is missing and install into it.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
# JupyterLab refuses to run as root unless told it may (CI machines and containers).
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)
LAB_ARGS ?=
PYTEST_ARGS ?=
# Extras installed by `make test`: the test tools and pyspark (notebook 07; Java 17 is separate).
EXTRAS ?= test,spark
NBVAL_FLAGS := --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg

.PHONY: help lab test lint notebooks nbrun bench clean

help:
	@echo "make lab    - set up .venv and open the notebooks in JupyterLab"
	@echo "make test   - set up .venv (with test tools) and run every test, notebooks included"
	@echo "make lint   - ruff check and ruff format --check"
	@echo "make notebooks - re-execute every notebook in a fresh kernel, save it with its outputs,"
	@echo "                 and regenerate the README table and the previous/next links"
	@echo "make bench  - run the benchmarks (timings, accuracy against Surprise, scaling); writes benchmarks/RESULTS.md"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# One stamp per install flavour; a changed pyproject.toml re-installs.
$(VENV)/.installed-runtime: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@ $(VENV)/.installed-runtime

# A stamp for other sets of extras, e.g. .installed-test,spark for EXTRAS=test,spark.
ifneq ($(EXTRAS),test)
$(VENV)/.installed-$(EXTRAS): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[$(EXTRAS)]"
	touch $@ $(VENV)/.installed-runtime
endif

lab: $(VENV)/.installed-runtime
	$(BIN)/jupyter lab --notebook-dir=notebooks $(ROOT_FLAG) $(LAB_ARGS)

test: $(VENV)/.installed-test $(VENV)/.installed-$(EXTRAS)
	$(BIN)/python -m pytest $(PYTEST_ARGS) tests notebooks $(NBVAL_FLAGS)

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python scripts/notebook_index.py --check

NB ?=
notebooks: $(VENV)/.installed-test
	$(BIN)/python scripts/notebook_index.py
	$(BIN)/python scripts/run_notebooks.py $(NB)

nbrun: notebooks

$(VENV)/.installed-bench: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test,bench,spark]"
	touch $@ $(VENV)/.installed-test $(VENV)/.installed-runtime

bench: $(VENV)/.installed-bench
	$(BIN)/python benchmarks/run_all.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
