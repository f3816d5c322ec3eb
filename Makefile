# Two commands do everything: `make run` serves the demo, `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= python3.11
UV_VERSION := 0.13.9
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
export UV_PYTHON_DOWNLOADS := never

.PHONY: run test install system-deps lint check messages bench clean

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

install: $(UV)
	$(UV) sync --frozen --python $(PYTHON)

run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py createcachetable
	$(PY) manage.py load_demo
	@echo "Ligeris : http://127.0.0.1:$(PORT)"
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

# System packages the suite drives for real (Chromium, Redis); installed when root and missing.
system-deps:
	scripts/system-deps

test: install system-deps
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run
	scripts/run-tests

lint: install
	$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check .

messages: install
	cd $(CURDIR) && $(PY) manage.py makemessages -l en --no-obsolete --ignore=.venv --ignore=.tools
	$(PY) manage.py compilemessages -l en --ignore=.venv --ignore=.tools

clean:
	rm -rf $(VENV) $(TOOLS) var

# Benchmarks (not tests): the figures are kept in docs/PERFORMANCE.md.
bench: install
	$(PY) bench/allocation.py
	$(PY) bench/titre_pdfs.py
	$(PY) bench/titre_batch.py
	$(PY) bench/hostile_imports.py
	$(PY) bench/pes.py
	scripts/with-postgres $(PY) bench/catalogue_billing.py; status=$$?; \
	if [ $$status = 77 ]; then $(PY) bench/catalogue_billing.py; elif [ $$status != 0 ]; then exit $$status; fi
	# On PostgreSQL (a throwaway cluster) when its binaries are there, else on SQLite.
	scripts/with-postgres $(PY) bench/titre_issue.py; status=$$?; \
	if [ $$status = 77 ]; then $(PY) bench/titre_issue.py; elif [ $$status != 0 ]; then exit $$status; fi
	# The recap at 2,000 partners: PostgreSQL only (a throwaway cluster); said and skipped without it.
	scripts/with-postgres $(PY) bench/recap_scale.py; status=$$?; \
	if [ $$status = 77 ]; then echo '!! bench/recap_scale.py SKIPPED: no PostgreSQL'; elif [ $$status != 0 ]; then exit $$status; fi
	scripts/with-postgres $(PY) bench/governance_scale.py; status=$$?; \
	if [ $$status = 77 ]; then $(PY) bench/governance_scale.py; elif [ $$status != 0 ]; then exit $$status; fi
	scripts/bench-deps
	$(PY) bench/titre_engines.py
	# The pages at issue 17's size behind gunicorn, alone then under 50 users (needs PostgreSQL).
	scripts/with-postgres $(PY) bench/pages.py; status=$$?; \
	if [ $$status = 77 ]; then echo "!! bench/pages.py needs PostgreSQL: skipped"; elif [ $$status != 0 ]; then exit $$status; fi
