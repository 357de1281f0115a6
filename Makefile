# BHT-portalen. The two commands: `make run` and `make test`.
PORT ?= 8000
PY := .venv/bin/python
MANAGE := $(PY) manage.py

.PHONY: setup run run-with-idp idp test lint format migrate demo messages worker beat ci bench

setup:
	@scripts/setup.sh

## Run the portal with demo data at http://127.0.0.1:$(PORT) (SQLite and in-process tasks by default).
run: setup
	$(MANAGE) migrate --noinput
	$(MANAGE) load_reference_data
	$(MANAGE) seed_demo
	@echo "BHT-portalen: http://127.0.0.1:$(PORT)/"
	$(MANAGE) runserver 127.0.0.1:$(PORT)

## A local test identity provider (stands in for ID-porten and Entra ID; scripts/demo_idp.py).
IDP_PORT ?= 9000
idp: setup
	$(PY) scripts/demo_idp.py --port $(IDP_PORT) --portal http://127.0.0.1:$(PORT)

## `make run`, with the real login through `make idp` (running in another terminal).
run-with-idp: setup
	env $$($(PY) scripts/demo_idp.py --env --port $(IDP_PORT)) $(MAKE) run

## Run the whole test suite (unit, integration, Celery, browser).
test: setup
	$(PY) -m pytest $(PYTEST_ARGS)

lint:
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/lint-imports

format:
	.venv/bin/ruff check --fix .
	.venv/bin/ruff format .

## Regenerate the Norwegian catalogues (English message ids) for the project and each app.
## APP=approvals limits it to one app (run from its folder).
messages:
ifdef APP
	cd $(APP) && ../$(PY) ../manage.py makemessages -l nb --no-location
else
	$(MANAGE) makemessages -l nb --no-location --ignore=.venv --ignore=var --ignore=static/vendor
endif
	$(MANAGE) compilemessages --ignore=.venv -v 0

worker:
	.venv/bin/celery -A bht_portal worker -l info

beat:
	.venv/bin/celery -A bht_portal beat -l info

ci:
	bash .ci/run
