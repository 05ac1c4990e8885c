# Every target works from the checkout root; paths here are relative, so a
# checkout path with spaces is fine.
.DEFAULT_GOAL := help
.PHONY: help install run demo doctor test check fuzz matrix docs bench lint fix-branch clean distclean

# The Python that runs the test toolchain: CPython 3.11 to 3.13 (tests/lib/interpreters.py).
PYTHON ?= python3
# Quoted wherever it is used: its path may contain spaces.
PYVER := $(shell "$(PYTHON)" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null)
PYIMPL := $(shell "$(PYTHON)" -c 'import sys; print("" if sys.implementation.name == "cpython" else sys.implementation.name)' 2>/dev/null)
# The tool venv, one per tool Python (.venv/3.12; another implementation's apart):
# the pinned test toolchain, the wheels the scenarios install from,
# virtualenv's app-data; nothing else.
TOOLS := .venv/$(PYIMPL)$(or $(PYVER),no-python)
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
# nothing is fetched again. Refuses, saying why, a Python that cannot run the toolchain.
$(STAMP): tests/requirements.txt tests/requirements-backends.txt tests/requirements-static.txt tests/requirements-pkg_resources.txt tests/lib/interpreters.py
	@command -v "$(PYTHON)" >/dev/null || { echo "make: $(PYTHON) not found; name another: make PYTHON=/path/to/python3.X ..." >&2; exit 2; }
	@"$(PYTHON)" -c 'import sys; sys.exit(sys.version_info < (3, 9))' 2>/dev/null || { echo "make: $(PYTHON) is too old to run even the check of which Pythons the test toolchain needs (tests/lib/interpreters.py, TOOL)" >&2; exit 2; }
	@"$(PYTHON)" tests/lib/interpreters.py check-tool
	"$(PYTHON)" -m venv $(TOOLS)
	$(TOOLPY) -m pip install --quiet --disable-pip-version-check -r tests/requirements.txt
	$(TOOLPY) -B tests/commands/wheels.py $(TOOLS)/wheels
	touch $(STAMP)

install: ## the README's development set-up: ./venv with the three projects editable
	"$(PYTHON)" -m venv $(DEV)
	$(DEV)/bin/pip install -e azure-functions-agent-durable/
	$(DEV)/bin/pip install -e azure-functions-agent-framework/
	$(DEV)/bin/pip install -e sample_project/

run: ## run the consumer in ./venv (as shipped: the ImportError)
	@test -x $(DEV)/bin/python || { echo "make run: no ./$(DEV) yet; run 'make install' first" >&2; exit 2; }
	cd sample_project && ../$(DEV)/bin/python sample_project/main.py

demo: $(STAMP) ## the collision, then the PEP 420 fix, in a scratch copy and fresh venvs
	$(TOOLPY) -B tests/commands/demo.py

doctor: ## the namespace doctor as one file to copy anywhere: sample_project/dist/doctor.pyz
	"$(PYTHON)" -B tests/commands/doctor_pyz.py

# pytest's temporary folders go in one folder removed on exit (in memory, in
# /dev/shm, where there is one: the scenarios write and remove thousands of small
# files), so no /tmp/pytest-of-$$USER is left behind; no bytecode is written into tests/, and
# Hypothesis keeps what it stores (even with no example database) there too.
TIER := inner
test: $(STAMP) ## the inner loop: the collision and the fix in fresh venvs, the README, the doctor, a sample of the matrix
	@scratch=$$(cd "$$(mktemp -d -p /dev/shm 2>/dev/null || mktemp -d)" && pwd -P) && trap 'rm -rf "$$scratch"' EXIT && \
	echo "pytest -c tests/pytest.ini --tier $(TIER) tests $(PYTEST_ARGS)   (Python $(PYVER); temporary folders: $$scratch, removed afterwards)" && \
	TMPDIR="$$scratch" PYTHONDONTWRITEBYTECODE=1 HYPOTHESIS_PROFILE=$(HYPOTHESIS_PROFILE) HYPOTHESIS_STORAGE_DIRECTORY="$$scratch/hypothesis" \
	$(TOOLPY) -m pytest -c tests/pytest.ini --basetemp "$$scratch/pytest" --tier $(TIER) $(PYTEST_ARGS) tests

check: $(STAMP) ## the full tier: everything make test runs, and every matrix cell on every interpreter found
	$(MAKE) --no-print-directory test TIER=full

fuzz: $(STAMP) ## the doctor's differential test, deep: 10,000 layouts per interpreter
	$(MAKE) --no-print-directory test TIER=full HYPOTHESIS_PROFILE=deep \
		PYTEST_ARGS="-k test_the_doctor_predicts_what_python_imports --hypothesis-show-statistics $(PYTEST_ARGS)"

matrix: $(STAMP) ## re-run every matrix cell on every interpreter found (MATRIX_ARGS="--python 3.11": one); rewrite tests/matrix.json and the READMEs' tables
	$(TOOLPY) -B tests/commands/matrix.py $(MATRIX_ARGS)

docs: $(STAMP) ## rewrite the READMEs' generated sections from tests/matrix.json, the tests and the doctor
	$(TOOLPY) -B tests/commands/docs.py

# BENCH="test check" times both tiers; BENCH=doctor the namespace doctor on this machine's Python.
BENCH ?= test
bench: $(STAMP) ## time the inner loop as you run it: the median of 3 runs (writes nothing)
	$(TOOLPY) -B tests/commands/bench.py --python "$(PYTHON)" $(BENCH)

lint: $(STAMP) ## ruff over the whole checkout; actionlint and zizmor over the GitHub workflow; shellcheck over .ci/; mypy over the doctor
	$(TOOLS)/bin/ruff check --config tests/ruff.toml --cache-dir $(TOOLS)/ruff-cache .
	$(TOOLS)/bin/ruff format --config tests/ruff.toml --cache-dir $(TOOLS)/ruff-cache --check .
	$(TOOLS)/bin/actionlint -shellcheck $(TOOLS)/bin/shellcheck .github/workflows/*.yml
	$(TOOLS)/bin/zizmor --offline --quiet .github/workflows/
	$(TOOLS)/bin/shellcheck .ci/run .ci/check-clean
	# The doctor's types (mypy checks 3.10 syntax and later; the doctor also runs on 3.9).
	$(TOOLS)/bin/mypy --python-version 3.10 --cache-dir $(TOOLS)/mypy-cache sample_project/sample_project/doctor

fix-branch: ## create the local branch pep420-fix: tests/fixes/pep420.patch as one commit
	"$(PYTHON)" -B tests/commands/fix_branch.py

clean: ## remove what 'make install' and builds wrote (keeps the tool venv)
	rm -rf $(DEV)
	for p in $(PROJECTS); do rm -rf "$$p/build" "$$p/dist" "$$p"/*.egg-info; done
	find $(PROJECTS) tests -name __pycache__ -type d -prune -exec rm -rf {} +

distclean: clean ## also remove the tool venvs (the next 'make test' needs the network)
	rm -rf .venv
