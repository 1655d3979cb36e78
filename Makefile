# Dastan tasks. `make demo` and `make test` work on a fresh machine that has python3.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
# Where `make demo` serves: make demo ADDR=127.0.0.1:8001
ADDR ?= 127.0.0.1:8000
# The PostgreSQL run of the suite; .ci/run makes sure the server is up.
POSTGRES_URL ?= postgresql://postgres@127.0.0.1:5432/dastan

# The interface catalogues: .po files are committed, .mo files are built here (polib, no gettext).
PO := $(wildcard dastan/locale/*/LC_MESSAGES/django.po)
MO := $(PO:.po=.mo)

.PHONY: demo test test-sqlite test-postgres browser editor lint format bench clean messages

# The body's rich-text editor (docs/newsroom.md): npm packages pinned by editor/package-lock.json,
# bundled by esbuild into a static file that is built here, never committed.
EDITOR_JS := dastan/newsroom/static/newsroom/build/editor.js
EDITOR_NPM := editor/node_modules/.ci-stamp

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

$(EDITOR_NPM): editor/package.json editor/package-lock.json
	@if ! command -v npm >/dev/null || ! command -v node >/dev/null; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing nodejs and npm to build the body editor (apt-get)"; \
	    apt-get install -y nodejs npm >/dev/null 2>&1 \
	      || { apt-get update >/dev/null && apt-get install -y nodejs npm >/dev/null; } \
	      || { echo "apt-get could not install nodejs and npm"; exit 1; }; \
	  else \
	    echo "The body editor is built with Node.js (18 or newer) and npm, and they are missing."; \
	    echo "Install them (Debian: sudo apt-get install nodejs npm) and run make again."; \
	    exit 1; \
	  fi; \
	fi
	@node -e 'process.exit(Number(process.versions.node.split(".")[0]) < 18 ? 1 : 0)' \
	  || { echo "The body editor needs Node.js 18 or newer; this is $$(node --version)."; exit 1; }
	cd editor && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

$(EDITOR_JS): $(EDITOR_NPM) $(wildcard editor/src/*.js)
	cd editor && npm run --silent build

editor: $(EDITOR_JS)

demo: $(STAMP) $(MO) $(EDITOR_JS)
	@DASTAN_DEBUG=0 $(BIN)/dastan demo --addr $(ADDR)

test: test-sqlite test-postgres

# The browser tests need Debian's chromium and chromedriver: installed here when missing
# (as root, with apt, as .ci/run does), else make stops naming what to install.
browser:
	@if command -v chromium >/dev/null && command -v chromedriver >/dev/null; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "Installing chromium and chromium-driver for the browser tests (apt-get)"; \
	  apt-get install -y chromium chromium-driver >/dev/null 2>&1 \
	    || { apt-get update >/dev/null && apt-get install -y chromium chromium-driver >/dev/null; } \
	    || { echo "apt-get could not install chromium and chromium-driver"; exit 1; }; \
	else \
	  echo "The browser tests need chromium and chromedriver, and they are missing:"; \
	  command -v chromium >/dev/null || echo "  chromium"; \
	  command -v chromedriver >/dev/null || echo "  chromedriver"; \
	  echo "Install them (Debian: sudo apt-get install chromium chromium-driver) and run make test again."; \
	  exit 1; \
	fi

# DASTAN_TEST_REQUIRE_BROWSER: a browser test that cannot start Chromium fails, never skips.
test-sqlite: $(STAMP) $(MO) $(EDITOR_JS) browser
	DASTAN_TEST_REQUIRE_BROWSER=1 $(BIN)/pytest

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
	rm -rf $(VENV) var .pytest_cache editor/node_modules dastan/newsroom/static/newsroom/build
