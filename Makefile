# Two commands on a fresh machine with Python 3.11: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
# Prefect's ephemeral server takes 24-26 s to start on a fresh machine; its default timeout is 20 s.
export PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS ?= 180
export PREFECT_SERVER_ANALYTICS_ENABLED ?= false
export DO_NOT_TRACK ?= 1

.PHONY: demo test test-fast lint lock install clean messages

# Installs the exact versions of requirements.lock, then peerplan itself (editable).
$(VENV)/.installed: pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.lock
	$(PY) -m pip install --quiet --no-deps -e .
	touch $@

install: $(VENV)/.installed

demo: install
	$(VENV)/bin/peerplan demo

test: install
	$(PY) -m pytest -n 2 --dist loadgroup

test-fast: install
	$(PY) -m pytest -n 2 -m "not slow and not browser"

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

# After changing pyproject.toml's dependencies: pins what they need, keeping unchanged pins.
# `make lock UPGRADE=1` moves every pin to the newest release allowed.
lock: install
	$(PY) -m pip install --quiet uv
	$(VENV)/bin/uv pip compile pyproject.toml --extra test --extra fast --extra postgres \
	  --extra lint --extra ocr --python-version 3.11 --python-platform linux --no-header --quiet \
	  $(if $(UPGRADE),--upgrade) -o requirements.lock

clean:
	rm -rf $(VENV) peerplan-data demo-output .pytest_cache

# After changing a text in the code or the templates: extract every message into
# locales/peerplan.pot and merge it into each catalog (locales/<language>/LC_MESSAGES/peerplan.po);
# then translate the new and fuzzy entries. A new language: `$(VENV)/bin/pybabel init -i
# locales/peerplan.pot -d locales -D peerplan -l <language>`.
messages: install
	$(VENV)/bin/pybabel -q extract -F babel.cfg -k N_ -k Plural:1,2 --no-location --sort-output \
		--project=peerplan --copyright-holder="peerplan contributors" -o locales/peerplan.pot .
	$(VENV)/bin/pybabel -q update -i locales/peerplan.pot -d locales -D peerplan --no-fuzzy-matching \
		--width=100
