# The platform's interface: `make run` and `make test` work on a fresh machine with Python 3.11+.
SHELL := /bin/bash
PYTHON ?= python3
PORT ?= 8000
UV_VERSION := 0.13.8
VENV := .venv
PY := $(VENV)/bin/python
UV := .tools/bin/uv
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: install run test bench lint messages check-messages clean-db

$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet "uv==$(UV_VERSION)"

# Installs the locked dependencies into .venv (nothing else on the machine is touched).
$(VENV)/.installed: $(UV) uv.lock pyproject.toml
	$(UV) sync --frozen --python $(PYTHON) --quiet
	touch $@

install: $(VENV)/.installed

# Migrates the embedded SQLite database in var/, loads the demo data on first run, serves on PORT.
run: install
	mkdir -p var
	$(PY) manage.py migrate --noinput -v 0
	$(PY) manage.py load_demo
	@echo ""
	@echo "  MEKS platform: http://127.0.0.1:$(PORT)/"
	@echo ""
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

# The whole test suite; DATABASE_URL chooses the database (SQLite when unset).
test: install
	$(PY) -m pytest

bench: install
	$(PY) -m bench

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports

# Re-extract the translatable strings into the ru and kk catalogues and compile them.
messages: install
	$(PY) manage.py makemessages --locale ru --locale kk --ignore ".venv/*" --ignore ".tools/*" --ignore "var/*" --no-obsolete
	$(PY) manage.py compilemessages --ignore ".venv" --ignore ".tools"

check-messages: install
	$(PY) manage.py check_messages

clean-db:
	rm -f var/meks.sqlite3 var/meks.sqlite3-wal var/meks.sqlite3-shm
