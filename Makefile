# Prompt-Forge. `make run` serves the app on the embedded default; `make test` runs every test.
SHELL := /bin/bash
.DEFAULT_GOAL := help

TOOLS := .tools
UV := $(TOOLS)/bin/uv
RUN := $(UV) run --frozen
PF_TEST_PG_DSN ?= postgresql://postgres@127.0.0.1:5432/postgres
PF_TEST_REDIS_URL ?= redis://127.0.0.1:6379/0
export PF_TEST_PG_DSN PF_TEST_REDIS_URL
NPM := cd client && npm
CHROMIUM := /usr/bin/chromium

.PHONY: help install run dev test test-infra test-server test-embedded test-faults test-topology test-api-fuzz lint format openapi check-openapi sdk bench \
	client client-install build-client test-client test-e2e screenshots chromium

help:
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-16s %s\n", $$1, $$2}'

$(UV):
	python3 -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet uv

install: $(UV) ## Install the Python environment from uv.lock
	$(UV) sync --frozen --quiet

client/node_modules/.pf-installed: client/package-lock.json
	$(NPM) ci --no-audit --no-fund --loglevel=error
	touch $@

client-install: client/node_modules/.pf-installed ## npm ci in client/ (when node_modules is missing or package-lock.json changed)

client: client-install ## Regenerate the TypeScript API client (client/src/api/generated) from openapi.json
	$(NPM) run generate

build-client: client-install ## Build the SPA into client/dist (served by the API at /)
	$(NPM) run build

run: install build-client ## Build the SPA, migrate and serve app + API on http://127.0.0.1:8000 (embedded default)
	$(RUN) promptforge migrate
	$(RUN) promptforge serve

dev: install client-install ## API with --reload on :8000 and Vite (hot reload, /api proxied) on http://127.0.0.1:5173
	$(RUN) promptforge migrate
	@trap 'kill $$api $$web 2>/dev/null; wait' EXIT INT TERM; \
	$(RUN) promptforge serve --reload & api=$$!; \
	(cd client && exec npm run dev) & web=$$!; \
	echo "Open http://127.0.0.1:5173 (Vite) — Ctrl-C stops both"; \
	wait -n; exit 1

# Hand-written Python outside server/: the `pf` command, the client's helpers, the generator script.
# (The generated client is formatted by the generator and checked by the drift check instead.)
SDK_PY := sdk/python/src/promptforge_cli sdk/python/src/promptforge_client/prompt_cache.py sdk/python/generate.py
# The offline validator of the deployment files (make test-infra).
INFRA_PY := infrastructure/validate.py

lint: install ## ruff (lint + format check) and mypy --strict
	$(RUN) ruff check server $(SDK_PY) $(INFRA_PY)
	$(RUN) ruff format --check server $(SDK_PY) $(INFRA_PY)
	$(RUN) mypy

format: install ## Apply ruff fixes and formatting
	$(RUN) ruff check --fix server $(SDK_PY) $(INFRA_PY)
	$(RUN) ruff format server $(SDK_PY) $(INFRA_PY)

test-infra: install ## Offline checks of the deployment files: hadolint, compose (schema + config), both k8s overlays (kubernetes-validate --strict), workflows (schema + actionlint), scripts (shellcheck)
	$(RUN) python infrastructure/validate.py

test-server: install ## Server tests against real PostgreSQL and Redis
	PF_TEST_BACKEND=postgres $(RUN) pytest

test-embedded: install ## The same server tests on the embedded default (SQLite, in-process store)
	PF_TEST_BACKEND=embedded $(RUN) pytest

test-faults: install ## Fault suite: Redis, PostgreSQL and the API process fail under load (private servers, ~1 min)
	$(RUN) pytest server/live -v

test-topology: install ## Scale-out: 2 api instances + 2 workers on PostgreSQL, Redis and a local S3 (label, S3, shared evaluation, killed worker)
	$(RUN) pytest server/topology -v -p no:warnings

test-api-fuzz: install ## schemathesis (all checks, stateful links) against `promptforge serve` on private servers (~3 min)
	$(RUN) python server/live/fuzz.py

openapi: install ## Regenerate the OpenAPI snapshot (openapi.json)
	$(RUN) python -m promptforge.openapi_dump openapi.json

check-openapi: install client-install ## Fail when openapi.json drifts from the server, or the TS or Python client from openapi.json
	$(RUN) python -m promptforge.openapi_dump --check openapi.json
	$(NPM) run --silent generate:check
	$(RUN) python sdk/python/generate.py --check

sdk: install ## Regenerate the Python client (sdk/python/src/promptforge_client) from openapi.json
	$(RUN) python sdk/python/generate.py

test-client: client-install ## Client: typecheck, lint, generated-client drift, unit tests (Vitest)
	$(NPM) run check

chromium: ## Install Debian's chromium for the browser tests when missing
	@test -x $(CHROMIUM) || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium)

test-e2e: install client-install chromium ## Browser tests: builds the SPA, starts `promptforge serve` on it, runs Chromium
	$(NPM) run e2e

screenshots: install client-install chromium ## The browser run, writing docs/screenshots/*.png
	$(NPM) run screenshots

test: lint check-openapi test-infra test-server test-embedded test-faults test-topology test-api-fuzz test-client test-e2e ## Everything: lint, drift checks, deployment files, server tests on both backends, fault suite, scale-out topology, API fuzzing, client unit and browser tests

bench: install ## Load-test resolve and render against a bare route, the dataset import, the gateway's added latency (needs PostgreSQL, Redis; installs wrk)
	@command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
	$(RUN) python server/bench/bench.py
	$(RUN) python server/bench/bench_gateway.py
	$(RUN) python server/bench/bench_change_stream.py
	$(RUN) python server/bench/bench_webhooks.py
