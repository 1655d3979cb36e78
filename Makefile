# Dastan tasks. `make demo` and `make test` work on a fresh machine that has python3.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
# The PostgreSQL run of the suite; .ci/run makes sure the server is up.
POSTGRES_URL ?= postgresql://postgres@127.0.0.1:5432/dastan

# The interface catalogues: .po files are committed, .mo files are built here (polib, no gettext).
PO := $(wildcard dastan/locale/*/LC_MESSAGES/django.po)
MO := $(PO:.po=.mo)

.PHONY: demo test test-sqlite test-postgres lint format bench clean messages

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || (echo "Dastan needs Python >= 3.11" && exit 1)
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || (echo "python3 -m venv failed: install python3-venv (Debian: apt-get install python3-venv)" && exit 1)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

$(MO): %.mo: %.po $(STAMP)
	$(BIN)/python -m dastan.locale_build $<

# Collect new interface strings into every catalogue (needs GNU gettext's xgettext).
messages: $(STAMP)
	cd dastan && DJANGO_SETTINGS_MODULE=dastan.settings.test ../$(BIN)/dastan makemessages --all --no-obsolete

demo: $(STAMP) $(MO)
	DASTAN_DEBUG=0 $(BIN)/dastan demo

test: test-sqlite test-postgres

test-sqlite: $(STAMP) $(MO)
	$(BIN)/pytest

test-postgres: $(STAMP) $(MO)
	DASTAN_DATABASE_URL=$(POSTGRES_URL) $(BIN)/pytest -m "not browser"

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check dastan tests bench

format: $(STAMP)
	$(BIN)/ruff format dastan tests bench
	$(BIN)/ruff check --fix .

bench: $(STAMP) $(MO)
	$(BIN)/python bench/pages.py

clean:
	rm -rf $(VENV) var .pytest_cache
