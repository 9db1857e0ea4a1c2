#!/usr/bin/env bash
# Smoke test of a deployed environment: /readyz answers over TLS 1.3 (and TLS 1.2 is refused), and a
# resolve with an API key returns the prompt. Env: PF_URL (https://host), PF_SMOKE_API_KEY (a viewer
# key), PF_SMOKE_PROJECT_ID, PF_SMOKE_PROMPT (a prompt with a `production` label).
set -euo pipefail
: "${PF_URL:?PF_URL (https://...)}" "${PF_SMOKE_API_KEY:?}" "${PF_SMOKE_PROJECT_ID:?}" "${PF_SMOKE_PROMPT:?}"
curl_opts=(--silent --show-error --fail --max-time 10)

# Pods may still be turning ready behind the ingress: retry for up to ~2 minutes.
curl "${curl_opts[@]}" --retry 12 --retry-delay 10 --retry-all-errors --tlsv1.3 "$PF_URL/readyz"
echo

if curl "${curl_opts[@]}" --tlsv1.2 --tls-max 1.2 -o /dev/null "$PF_URL/healthz" 2>/dev/null; then
  echo "TLS 1.2 was accepted: the ingress must allow TLS 1.3 only" >&2
  exit 1
fi

body="$(curl "${curl_opts[@]}" --tlsv1.3 -H "Authorization: Bearer $PF_SMOKE_API_KEY" \
  "$PF_URL/api/v1/projects/$PF_SMOKE_PROJECT_ID/prompts/$PF_SMOKE_PROMPT/resolve?label=production")"
grep -q "\"name\":\"$PF_SMOKE_PROMPT\"" <<<"${body//[[:space:]]/}" || {
  echo "resolve answered without the prompt: $body" >&2
  exit 1
}
echo "smoke test passed: $PF_URL"
