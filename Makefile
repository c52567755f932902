# The two commands: `make demo` (set up + run the Higgs week) and `make test` (set up + run the tests).
PYTHON ?= python3.11
VENV := .venv
STAMP := $(VENV)/.installed-stamp

.PHONY: demo test lint bench clean

$(STAMP): pyproject.toml constraints.txt
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	@echo "installing the pinned dependencies into $(VENV) (2-3 minutes on a fresh machine)..."
	$(VENV)/bin/pip install --progress-bar off --disable-pip-version-check -c constraints.txt -e '.[dev]'
	touch $(STAMP)

# The demo's warehouse stays in the checkout (an installed clout defaults to the user's data folder).
demo: $(STAMP)
	CLOUT_WAREHOUSE=$(CURDIR)/warehouse/clout.duckdb $(VENV)/bin/clout demo

# The run-report test renders a report in headless Chromium: Debian's package, installed if missing.
CHROMIUM := /usr/bin/chromium
$(CHROMIUM):
	$(if $(filter 0,$(shell id -u)),,sudo) apt-get update -qq
	$(if $(filter 0,$(shell id -u)),,sudo) apt-get install -y -qq chromium

test: $(STAMP) $(CHROMIUM)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/pytest -q -n auto --dist loadfile --durations=20

lint: $(STAMP)
	$(VENV)/bin/ruff check .

clean:
	rm -rf warehouse

# Airflow on this machine: the DAGs in dags/, metadata in warehouse/airflow, UI on http://localhost:8080.
AIRFLOW_ENV := AIRFLOW_HOME=$(CURDIR)/warehouse/airflow AIRFLOW__CORE__DAGS_FOLDER=$(CURDIR)/dags \
	AIRFLOW__CORE__LOAD_EXAMPLES=False CLOUT_WAREHOUSE=$(CURDIR)/warehouse/clout.duckdb PATH=$(CURDIR)/$(VENV)/bin:$$PATH

.PHONY: airflow
airflow: $(STAMP)
	$(AIRFLOW_ENV) airflow db migrate
	$(AIRFLOW_ENV) airflow pools set clout_warehouse 1 "one DuckDB writer at a time"
	$(AIRFLOW_ENV) airflow standalone
