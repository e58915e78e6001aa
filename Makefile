# ParIndex. `make demo` runs the app on SQLite with Celery eager (DEBUG=1: settings fail closed without it);
# `make test` runs the whole suite on the machine's PostgreSQL and Redis (pytest uses parindex.settings_test,
# which brings its own throwaway SECRET_KEY). Both install what they need.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installed
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/parindex
TEST_REDIS_URL ?= redis://127.0.0.1:6379/0

.PHONY: demo test lint install system-deps messages bench clean mutate

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

system-deps:
	./scripts/system-deps.sh

demo: install
	DEBUG=1 $(PY) manage.py migrate --noinput -v0
	DEBUG=1 $(PY) manage.py load_sample
	@echo "ParIndex: http://127.0.0.1:8000  (admin: http://127.0.0.1:8000/admin/)"
	DEBUG=1 $(PY) manage.py runserver 127.0.0.1:8000

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy scoring/engine scoring/formats scoring/nodes.py parindex/safe_files.py
	DEBUG=1 DATABASE_URL=sqlite:///:memory: $(PY) manage.py makemigrations --check --dry-run -v0

test: system-deps install lint
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) $(VENV)/bin/pytest -n 2 --dist loadfile

messages: install
	DEBUG=1 $(PY) manage.py makemessages -l vi --no-obsolete --no-wrap --ignore=.venv --ignore=node_modules --ignore=static/vendor --ignore=tests --ignore=bench --ignore=mutants
	msgattrib --no-wrap --clear-fuzzy --empty --clear-previous -o locale/vi/LC_MESSAGES/django.po locale/vi/LC_MESSAGES/django.po
	$(PY) scripts/fill_po.py locale/vi/LC_MESSAGES/django.po scripts/translations/*.py
	DEBUG=1 $(PY) manage.py compilemessages --ignore=.venv

# Mutation testing of the engine, the criteria-file formats and the scoping policy (docs/testing.md).
# Slow (about 40 min on the loaded shared 2-core machine, docs/testing.md), so not part of `make test`. The test database is created
# once here; each mutant's pytest session reuses it (tests/existing_db.py).
MUTATE_DATABASE_URL ?= $(TEST_DATABASE_URL)
MUTATE_CHILDREN ?= 2

mutate: install
	rm -rf mutants && mkdir mutants
	DATABASE_URL=$(MUTATE_DATABASE_URL) $(VENV)/bin/pytest -p no:cacheprovider -q -n 0 --create-db --reuse-db tests/agencies/test_scope.py
	DATABASE_URL=$(MUTATE_DATABASE_URL) $(PY) scripts/mutate_databases.py $(MUTATE_CHILDREN)
	DATABASE_URL=$(MUTATE_DATABASE_URL) MUTATE_DATABASES=$(MUTATE_CHILDREN) $(VENV)/bin/mutmut run --max-children $(MUTATE_CHILDREN) > mutants/run.log 2>&1 \
		|| (tail -c 3000 mutants/run.log; exit 1)
	$(PY) scripts/mutation_report.py

bench: install
	DEBUG=1 $(PY) -m bench.compute_large_province

clean:
	rm -rf $(VENV) db.sqlite3 media staticfiles
