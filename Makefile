# Jarnama task runner: `make demo` and `make test` work on a fresh machine with Python 3.11+.
PYTHON ?= python3
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
SYNCED := $(VENV)/.synced
export UV_PROJECT_ENVIRONMENT := $(VENV)
export UV_PYTHON_DOWNLOADS := never

.PHONY: setup demo test lint bench serve clean

$(UV):
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Jarnama needs Python 3.11 or newer")'
	@$(PYTHON) -m venv $(TOOLS)
	@$(TOOLS)/bin/pip install -qq --disable-pip-version-check "uv>=0.5"

$(SYNCED): $(UV) pyproject.toml uv.lock
	@$(UV) sync --frozen --quiet --python $(PYTHON)
	@touch $(SYNCED)

setup: $(SYNCED)

demo: setup
	@$(VENV)/bin/jarnama demo

serve: setup
	@$(VENV)/bin/jarnama serve

test: setup
	@bash scripts/system-deps.sh
	@$(VENV)/bin/pytest $(PYTEST_ARGS)

lint: setup
	@$(VENV)/bin/ruff check src tests benchmarks
	@$(VENV)/bin/ruff format --check src tests benchmarks
	@$(VENV)/bin/mypy

bench: setup
	@for script in benchmarks/*.py; do echo "== $$script"; $(VENV)/bin/python $$script || exit 1; done

clean:
	rm -rf $(VENV) $(TOOLS) .pytest_cache .mypy_cache .ruff_cache
