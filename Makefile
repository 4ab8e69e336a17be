# Birmingham and Solihull ICS assistant. `make help` lists every target.
# Each set-up step leaves a stamp in .venv/.stamps so a second run skips work already done.

SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMPS := $(VENV)/.stamps
MODEL := models/assistant.tar.gz
# The directory's postcode lookup (build output of the directory import, see its rule).
POSTCODES := var/directory/postcodes.csv
PORT ?= 5005
ACTION_PORT ?= 5055
DEMO_PORT ?= 8080
WIDGET := assistant/widget
# The browser tests drive Debian's Chromium; `make test` installs it when it is missing, with
# Noto fonts so screenshots show every script the widget is used in.
CHROMIUM := /usr/bin/chromium
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)

# Everything the trained model depends on: change one and `make train` retrains.
TRAINING_INPUTS := config.yml domain.yml \
	$(shell find data/nlu data/rules data/kb -name '*.yml' 2>/dev/null) \
	$(shell find assistant/components assistant/knowledge assistant/embeddings.py -name '*.py' 2>/dev/null)

# Keep Rasa and TensorFlow quiet. Rasa, Keras and matplotlib write settings under ~ (Rasa even
# with telemetry off), so commands that run them get a home inside the project: IN_PROJECT.
export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 2
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
export PIP_DISABLE_PIP_VERSION_CHECK := 1
IN_PROJECT := mkdir -p var/home && HOME=$(CURDIR)/var/home

.PHONY: help setup train run test validate new-question shell evaluate unanswered purge lint \
	bench bench-security bench-side-by-side screenshots lock clean widget test-widget directory \
	cluster stop-cluster cluster-packages bench-cluster

help: ## List the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-z-]+:.*## / {printf "  make %-18s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(STAMPS)/venv: .python-version
	@command -v python3.10 >/dev/null || { echo "Python 3.10 is needed (Rasa 3.6 runs on 3.8-3.10): install it, e.g. with pyenv." >&2; exit 1; }
	rm -rf $(VENV)
	python3.10 -m venv $(VENV)
	$(PY) -m pip install --quiet pip==24.0
	mkdir -p $(STAMPS) && touch $@

$(STAMPS)/deps: $(STAMPS)/venv requirements/lock.txt requirements/no-deps.txt pyproject.toml
	$(PY) -m pip install --quiet -r requirements/lock.txt
	$(PY) -m pip install --quiet --no-deps -r requirements/no-deps.txt
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

# The widget's front-end packages (the socket.io client it serves, axe-core for its tests), as
# pinned in its package-lock.json.
$(STAMPS)/npm: $(STAMPS)/venv $(WIDGET)/package.json $(WIDGET)/package-lock.json
	@command -v npm >/dev/null || { echo "Node.js and npm are needed for the web widget." >&2; exit 1; }
	npm ci --prefix $(WIDGET) --no-audit --no-fund --loglevel=error
	touch $@

# The widget's script, the one file partners embed: bundled by esbuild from its modules in
# assistant/widget/src (build output, not committed). Every target that starts the assistant
# needs it: the server reads it when it starts.
WIDGET_JS := $(WIDGET)/static/widget.js
WIDGET_SOURCES := $(wildcard $(WIDGET)/src/*.js) $(WIDGET)/build.mjs

$(WIDGET_JS): $(WIDGET_SOURCES) $(STAMPS)/npm
	node $(WIDGET)/build.mjs

widget: $(WIDGET_JS) ## Build the widget's script (assistant/widget/static/widget.js) from assistant/widget/src

test-widget: ## Unit-test the widget's modules (connection state machine, store, ...) with node --test
	node --test $(WIDGET)/test/

shell bench bench-security bench-side-by-side screenshots: $(WIDGET_JS) $(POSTCODES)

$(CHROMIUM):
	$(SUDO) apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends chromium fonts-noto-core >/dev/null

setup: $(STAMPS)/deps $(STAMPS)/npm ## Create .venv with Python 3.10 and install the pinned dependencies

$(MODEL): $(STAMPS)/deps $(TRAINING_INPUTS)
	$(IN_PROJECT) $(BIN)/rasa train --config config.yml --domain domain.yml \
		--data data/nlu data/rules --out models --fixed-model-name assistant
	touch $@

train: $(MODEL) ## Train the model (only when training data, config or components changed)

run: $(MODEL) $(STAMPS)/npm $(WIDGET_JS) $(POSTCODES) ## Set up, train if needed and start the assistant (PORT, ACTION_PORT, DEMO_PORT)
	$(IN_PROJECT) $(PY) -m assistant serve --port $(PORT) --action-port $(ACTION_PORT) \
		--demo-port $(DEMO_PORT)

test: $(MODEL) $(STAMPS)/npm $(WIDGET_JS) $(POSTCODES) $(CHROMIUM) cluster-packages lint test-widget ## Set up, train if needed, lint, and run the whole test suite
	$(IN_PROJECT) $(PY) -m pytest

# Several Rasa servers on one machine (issue 13): Debian's PostgreSQL, Redis and nginx, installed
# when missing, their data under var/cluster.
cluster-packages: ## Install Debian's postgresql, redis-server and nginx-light when missing
	@if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || ! command -v redis-server >/dev/null \
		|| ! test -x /usr/sbin/nginx; then \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq \
			--no-install-recommends postgresql redis-server nginx-light >/dev/null; fi

SERVERS ?= 2
cluster: $(MODEL) $(STAMPS)/npm $(WIDGET_JS) $(POSTCODES) cluster-packages ## Start PostgreSQL, Redis, SERVERS Rasa servers (2) and nginx on PORT
	$(IN_PROJECT) $(PY) -m assistant cluster start --servers $(SERVERS) --port $(PORT)

stop-cluster: $(STAMPS)/deps ## Stop exactly what `make cluster` started
	$(IN_PROJECT) $(PY) -m assistant cluster stop

validate: $(STAMPS)/deps ## Check the knowledge base, all data and translations; names each problem's file:line
	$(IN_PROJECT) $(PY) -m assistant validate

new-question: $(STAMPS)/deps ## Add a question: asks for it, its answer, source and phrasings; writes and checks the YAML
	$(IN_PROJECT) $(PY) -m assistant kb new

shell: $(MODEL) $(STAMPS)/npm ## Talk to the assistant in the terminal (LANGUAGE_CODE=ur, ...; SERVER=url)
	$(IN_PROJECT) $(PY) -m assistant shell $(if $(LANGUAGE_CODE),--language $(LANGUAGE_CODE)) \
		$(if $(SERVER),--server $(SERVER))

evaluate: $(MODEL) ## Cross-validation, conversation tests and held-out questions: a dated report in reports/
	$(IN_PROJECT) $(PY) -m bench.evaluate

SINCE ?= 7d
unanswered: $(STAMPS)/deps ## What residents asked that went unanswered (SINCE=7d), personal data hidden
	$(IN_PROJECT) $(PY) -m assistant report unanswered --since $(SINCE)

purge: $(STAMPS)/deps ## Delete stored conversations older than BSOL_RETENTION_DAYS (or DAYS=n)
	$(IN_PROJECT) $(PY) -m assistant purge $(if $(DAYS),--days $(DAYS))

# The postcode lookup the directory's answers need (build output, not committed): the same
# import, whose committed files it rewrites byte for byte. Every target that starts the
# assistant needs it.
$(POSTCODES): $(STAMPS)/deps data/directory/sources.yml
	$(IN_PROJECT) $(PY) -m assistant directory import
	touch $@

# GP practices, PCNs and postcodes from the open data in ../shared/data (or newer files given as
# paths with ARGS="--mapping PATH ..."): data/directory (committed) and var/directory/postcodes.csv.
directory: $(STAMPS)/deps ## Import GP practices, PCNs and postcode locations from ../shared/data (ARGS="--mapping PATH ...")
	$(IN_PROJECT) $(PY) -m assistant directory import $(ARGS)

lint: $(STAMPS)/deps ## Run ruff over the code and mypy over assistant/ and actions/
	$(BIN)/ruff check assistant actions tests bench
	$(BIN)/mypy

bench: $(MODEL) $(STAMPS)/npm $(CHROMIUM) ## Measure training, start-up, latency, memory and accuracy (writes bench/results.md)
	$(IN_PROJECT) $(PY) -m bench

bench-security: $(MODEL) ## Fuzz, crowd and 1 MB messages on a local copy (writes bench/security.md)
	$(IN_PROJECT) $(PY) -m bench.security

bench-side-by-side: $(MODEL) ## Latency, throughput and training vs a bare `rasa init` bot (writes bench/side_by_side.md)
	$(IN_PROJECT) $(PY) -m bench.side_by_side

# Issue 13's load figures: 1 then 2 Rasa servers behind nginx, in one run (heavy: minutes of both
# cores). Smaller loads: ARGS="--sessions 20 --messages 2 --rest-clients 5 --rest-messages 2".
bench-cluster: $(MODEL) $(WIDGET_JS) $(POSTCODES) cluster-packages ## Load figures: socket.io and REST on 1 and 2 Rasa servers behind the balancer (writes bench/cluster.md)
	$(IN_PROJECT) $(PY) -m bench.cluster $(ARGS)

screenshots: $(MODEL) $(STAMPS)/npm $(CHROMIUM) ## Refresh docs/screenshots from the widget's browser tests
	$(IN_PROJECT) $(PY) -m pytest -q tests/test_widget_browser.py -k "opens_the_chat or urdu or small_screens"
	mkdir -p docs/screenshots
	cp var/screenshots/desktop.png var/screenshots/phone.png var/screenshots/urdu-rtl.png docs/screenshots/

lock: $(STAMPS)/venv ## Re-resolve the dependencies in pyproject.toml into requirements/lock.txt
	$(PY) -m pip install --quiet -e '.[dev]'
	{ head -2 requirements/lock.txt; $(PY) -m pip freeze --exclude-editable | grep -v -i -E '^(argostranslate|minisbd)=='; echo "setuptools==69.5.1"; } > requirements/lock.new
	mv requirements/lock.new requirements/lock.txt

clean: ## Remove the virtualenv, trained models and local state (the cluster's PostgreSQL files under /tmp too)
	@if [ -x $(PY) ]; then $(IN_PROJECT) $(PY) -m assistant cluster remove \
		|| echo "Could not stop the cluster or remove PostgreSQL's files under /tmp: removing the rest."; fi
	rm -rf $(VENV) models var .rasa results
