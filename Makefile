# Wegwijs. README command 1: `make run`. README command 2: `make test`.
# Every target creates what it needs: environments, catalogs, database, model.

SHELL := /bin/bash
.DEFAULT_GOAL := help

APP_PY   := .venv/bin/python
UV       := .venv/bin/uv
RASA     := PYTHONWARNINGS=ignore .venv-rasa/bin/rasa
MODEL    := models/wegwijs.tar.gz
# The models read text without the BSN placeholder (bot/shared/private_numbers.py), and the
# situation reader masked (bot/domain/conversation/masking.py, with the words helpers and the
# benefit and agency words in the knowledge data): a change there needs a new model too.
TRAINING := config.yml domain.yml $(shell find nlu stories -name '*.yml' 2>/dev/null) \
            $(wildcard rasa_components/*.py) bot/domain/conversation/masking.py \
            bot/shared/private_numbers.py bot/shared/words.py \
            bot/domain/knowledge/data/benefits.yml bot/domain/knowledge/data/vocabulary.yml
CATALOGS := $(patsubst %.po,%.mo,$(wildcard locales/*/LC_MESSAGES/messages.po))
UV_VERSION := $(shell sed -n 's/^uv==//p' requirements/app.lock)

export RASA_TELEMETRY_ENABLED := false
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
export TF_CPP_MIN_LOG_LEVEL := 2
export PYTHONDONTWRITEBYTECODE := 1

# Local settings (see .env.example) are read from .env when it exists.
ifneq (,$(wildcard .env))
include .env
export $(shell sed -n 's/^\([A-Z_][A-Z0-9_]*\)=.*/\1/p' .env)
endif

.PHONY: help setup run chat test test-services lint unit validate train rasa-test e2e eval eval-dev \
        bench nlu-cv i18n db clean figures

help:
	@echo "make run    start Rasa (5005), the action server (5055) and the app service (8000)"
	@echo "make chat   chat in this terminal through the running stack"
	@echo "make test   everything CI checks: lint, unit, data validation, training, stories, e2e, eval"
	@echo "make eval   conversation cases in tests/cases;  make eval-dev: ../shared/eval cases"
	@echo "make bench  latency, memory, and the gateway against direct Rasa at 20 conversations"
	@echo "make nlu-cv intent F1 (5-fold) and the situation and feeling readers' macro F1"
	@echo "make i18n   extract, update and compile the text catalogs"
	@echo "make figures  yearly figures that end within 60 days or are not verified today"

# --- environments, from the committed lock files -------------------------------------
.venv/.installed: requirements/app.lock
	@test -x $(APP_PY) || python3.12 -m venv .venv
	$(APP_PY) -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"
	$(UV) pip sync --quiet --python $(APP_PY) requirements/app.lock
	@touch $@

.venv-rasa/.installed: requirements/rasa.lock .venv/.installed
	@test -x .venv-rasa/bin/python || python3.10 -m venv .venv-rasa
	$(UV) pip sync --quiet --python .venv-rasa/bin/python requirements/rasa.lock
	@touch $@

# --- texts, database, model ---------------------------------------------------------
locales/%/LC_MESSAGES/messages.mo: locales/%/LC_MESSAGES/messages.po .venv/.installed
	$(APP_PY) -c "from bot.i18n.maintenance import compile_catalogs; compile_catalogs(['$*'])"

i18n: .venv/.installed
	$(APP_PY) -m bot i18n

db: .venv/.installed
	$(APP_PY) -m bot db upgrade

$(MODEL): $(TRAINING) .venv-rasa/.installed
	@mkdir -p models
	@start=$$(date +%s); \
	$(RASA) train --data nlu stories --fixed-model-name wegwijs --out models --quiet && \
	echo "train | model trained in $$(( $$(date +%s) - start )) s"
	@touch $@

train: $(MODEL)

setup: .venv/.installed .venv-rasa/.installed $(CATALOGS)
	@$(APP_PY) -m bot check-settings
	@$(MAKE) --no-print-directory db $(MODEL)

# --- README command 1 ---------------------------------------------------------------
run: setup
	$(APP_PY) -m bot run

chat: .venv/.installed
	@$(APP_PY) -m bot chat

# --- README command 2 ---------------------------------------------------------------
test: setup test-services lint unit validate rasa-test e2e eval figures
	@echo "make test: all checks passed"

# Yearly figures that end within 60 days or have no verified value today: warnings only.
figures: .venv/.installed
	$(APP_PY) -m bot figures

# PostgreSQL and Redis (production stores) and Chromium (kiosk page) for the e2e tests,
# from Debian's packages.
test-services:
	@if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && command -v redis-server >/dev/null \
	  && command -v chromium >/dev/null; \
	then :; elif [ "$$(id -u)" = 0 ]; then \
	  echo "test | installing PostgreSQL, Redis and Chromium (Debian packages) for the e2e tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    postgresql redis-server chromium >/dev/null; \
	else echo "test | PostgreSQL/Redis/Chromium are missing and this is not root: those tests skip"; fi

lint: .venv/.installed
	.venv/bin/ruff check bot actions tests rasa_components rasa_channels
	.venv/bin/ruff format --check bot actions tests rasa_components rasa_channels
	.venv/bin/mypy
	.venv/bin/lint-imports --no-cache

unit: .venv/.installed $(CATALOGS)
	$(APP_PY) -m pytest tests/unit -q

validate: .venv-rasa/.installed
	$(RASA) data validate --data nlu stories --fail-on-warnings --quiet

rasa-test: $(MODEL)
	$(RASA) test core --model $(MODEL) --stories tests/stories \
	    --fail-on-prediction-errors --out results/core --quiet

e2e: setup
	$(APP_PY) -m pytest tests/e2e -q

eval: setup
	$(APP_PY) -m bot eval tests/cases/*.yml --min-pass-rate 0.95 \
	    --also ../shared/eval/dev_cases.yml:0.90 --also ../shared/eval/dev_conversations.yml:0.0

eval-dev: setup
	$(APP_PY) -m bot eval ../shared/eval/dev_cases.yml

# Intent F1 with 5-fold cross-validation (slow: five trainings; not part of `make test`).
nlu-cv: .venv-rasa/.installed
	$(RASA) test nlu --nlu nlu --config config.yml --cross-validation --folds 5 \
	    --out results/nlu-cv --quiet
	@$(APP_PY) -c "import json; r = json.load(open('results/nlu-cv/intent_report.json')); \
	    print('nlu-cv | intent F1 (weighted, 5 folds):', round(r['weighted avg']['f1-score'], 3))"
	@PYTHONWARNINGS=ignore .venv-rasa/bin/python -m rasa_components.evaluate_readers

bench: setup
	$(APP_PY) -m bot bench --conversations 10 --rounds 3

clean:
	rm -rf models results .venv .venv-rasa var
