# Every target works from the checkout root; paths here are relative, so a
# checkout path with spaces is fine.
.DEFAULT_GOAL := help
.PHONY: help install run demo test fuzz matrix bench lint fix-branch clean distclean

PYTHON ?= python3
# The tool venv: the pinned test toolchain, virtualenv's app-data, nothing else.
TOOLS := .venv
TOOLPY := $(TOOLS)/bin/python
STAMP := $(TOOLS)/.toolchain-installed
# The README's development venv.
DEV := venv
# Hypothesis settings profile of the doctor's differential test (tests/conftest.py).
HYPOTHESIS_PROFILE ?= default
PROJECTS := azure-functions-agent-durable azure-functions-agent-framework sample_project

help: ## list the targets
	@echo "make TARGET, where TARGET is one of:"
	@grep -E '^[a-z-]+:.*## ' $(firstword $(MAKEFILE_LIST)) | sed -E 's/^([a-z-]+):.*## /  \1\t/' | expand -t 14

# Needs the network once; afterwards the stamp is newer than the pins and
# nothing is fetched again.
$(STAMP): tests/requirements.txt tests/requirements-backends.txt tests/requirements-pkg_resources.txt
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLPY) -m pip install --quiet --disable-pip-version-check -r tests/requirements.txt
	$(TOOLPY) -m pip download --quiet --disable-pip-version-check --no-deps --only-binary=:all: \
		-d $(TOOLS)/wheels -r tests/requirements-pkg_resources.txt -r tests/requirements-backends.txt
	touch $(STAMP)

install: ## the README's development set-up: ./venv with the three projects editable
	$(PYTHON) -m venv $(DEV)
	$(DEV)/bin/pip install -e azure-functions-agent-durable/
	$(DEV)/bin/pip install -e azure-functions-agent-framework/
	$(DEV)/bin/pip install -e sample_project/

run: ## run the consumer in ./venv (as shipped: the ImportError)
	@test -x $(DEV)/bin/python || { echo "make run: no ./$(DEV) yet; run 'make install' first" >&2; exit 2; }
	cd sample_project && ../$(DEV)/bin/python sample_project/main.py

demo: $(STAMP) ## the collision, then the PEP 420 fix, in a scratch copy and fresh venvs
	$(TOOLPY) -B tests/commands/demo.py

# pytest's temporary folders go in one folder removed on exit (in memory, in
# /dev/shm, where there is one: the scenarios write and remove thousands of small
# files), so no /tmp/pytest-of-$$USER is left behind; no bytecode is written into tests/, and
# Hypothesis keeps what it stores (even with no example database) there too.
test: $(STAMP) ## run the suite: every scenario in fresh venvs, offline
	@scratch=$$(mktemp -d -p /dev/shm 2>/dev/null || mktemp -d) && trap 'rm -rf "$$scratch"' EXIT && \
	echo "pytest -c tests/pytest.ini tests $(PYTEST_ARGS)   (temporary folders: $$scratch, removed afterwards)" && \
	TMPDIR="$$scratch" PYTHONDONTWRITEBYTECODE=1 HYPOTHESIS_PROFILE=$(HYPOTHESIS_PROFILE) HYPOTHESIS_STORAGE_DIRECTORY="$$scratch/hypothesis" \
	$(TOOLPY) -m pytest -c tests/pytest.ini --basetemp "$$scratch/pytest" $(PYTEST_ARGS) tests

fuzz: $(STAMP) ## the doctor's differential test, deep: 10,000 layouts per interpreter
	$(MAKE) test HYPOTHESIS_PROFILE=deep \
		PYTEST_ARGS="-k test_the_doctor_predicts_what_python_imports --hypothesis-show-statistics $(PYTEST_ARGS)"

matrix: $(STAMP) ## re-run every matrix scenario; rewrite tests/matrix.json and the README's tables
	$(TOOLPY) -B tests/commands/matrix.py

bench: $(STAMP) ## re-run every matrix scenario and print the cost per scenario (writes nothing)
	$(TOOLPY) -B tests/commands/bench.py

lint: $(STAMP) ## ruff over the whole checkout
	$(TOOLS)/bin/ruff check --config tests/ruff.toml --cache-dir $(TOOLS)/ruff-cache .
	$(TOOLS)/bin/ruff format --config tests/ruff.toml --cache-dir $(TOOLS)/ruff-cache --check .

fix-branch: ## create the local branch pep420-fix: tests/fixes/pep420.patch as one commit
	$(PYTHON) -B tests/commands/fix_branch.py

clean: ## remove what 'make install' and builds wrote (keeps the tool venv)
	rm -rf $(DEV)
	for p in $(PROJECTS); do rm -rf "$$p/build" "$$p/dist" "$$p"/*.egg-info; done
	find $(PROJECTS) tests -name __pycache__ -type d -prune -exec rm -rf {} +

distclean: clean ## also remove the tool venv (the next 'make test' needs the network)
	rm -rf $(TOOLS)
