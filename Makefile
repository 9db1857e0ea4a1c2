# Prompt-Forge. `make run` serves the app on the embedded default; `make test` runs every test.
SHELL := /bin/bash
.DEFAULT_GOAL := help

TOOLS := .tools
UV := $(TOOLS)/bin/uv
RUN := $(UV) run --frozen
PF_TEST_PG_DSN ?= postgresql://postgres@127.0.0.1:5432/postgres
PF_TEST_REDIS_URL ?= redis://127.0.0.1:6379/0
export PF_TEST_PG_DSN PF_TEST_REDIS_URL

.PHONY: help install run dev test test-server test-embedded lint format openapi check-openapi bench

help:
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-16s %s\n", $$1, $$2}'

$(UV):
	python3 -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet uv

install: $(UV) ## Install the Python environment from uv.lock
	$(UV) sync --frozen --quiet

run: install ## Migrate and serve on http://127.0.0.1:8000 (embedded default: SQLite, in-process cache)
	$(RUN) promptforge migrate
	$(RUN) promptforge serve

lint: install ## ruff (lint + format check) and mypy --strict
	$(RUN) ruff check server
	$(RUN) ruff format --check server
	$(RUN) mypy

format: install ## Apply ruff fixes and formatting
	$(RUN) ruff check --fix server
	$(RUN) ruff format server

test-server: install ## Server tests against real PostgreSQL and Redis
	PF_TEST_BACKEND=postgres $(RUN) pytest

test-embedded: install ## The same server tests on the embedded default (SQLite, in-process store)
	PF_TEST_BACKEND=embedded $(RUN) pytest

openapi: install ## Regenerate the OpenAPI snapshot (openapi.json)
	$(RUN) python -m promptforge.openapi_dump openapi.json

check-openapi: install ## Fail when openapi.json drifts from the server
	$(RUN) python -m promptforge.openapi_dump --check openapi.json

test: lint check-openapi test-server test-embedded ## Everything: lint, drift checks, server tests on both backends

bench: install ## Load-test resolve and render against a bare route (needs PostgreSQL, Redis; installs wrk)
	@command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
	$(RUN) python server/bench/bench.py
