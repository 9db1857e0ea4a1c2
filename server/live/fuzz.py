"""`make test-api-fuzz`: schemathesis (all checks, stateful links) against a real `promptforge serve`.

Starts a private PostgreSQL and Redis, serves the API on them, seeds an owner with a project, a prompt
and an editor API key, then runs schemathesis three times with a bounded budget: every operation with
the editor API key on valid input (aimed at the seeded ids) and on invalid input, and the account
routes with the owner's cookie session. Fails when any run fails.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from harness import ApiServer, PrivatePostgres, PrivateRedis, Seeded, seed

MAX_EXAMPLES = os.environ.get("PF_FUZZ_MAX_EXAMPLES", "8")
MAX_TIME = os.environ.get("PF_FUZZ_MAX_TIME", "45")  # seconds per run; there are three runs
# The cookie run skips what would end its own session or delete the seeded workspace and project.
SESSION_EXCLUDED = ["auth-logout", "workspaces-delete", "projects-delete"]
# Operations whose input carries rules JSON Schema cannot state (password strength, special-use
# e-mail domains such as .test refused by email-validator, "label or version but not both", a chat
# template being a list of messages, an API key expiry in the future, versions numbered 1..n, the
# prompt's own variables schema, private provider URLs): a schema-valid request may still answer
# 422 there. Everything else must accept schema-valid input.
BUSINESS_RULE_422 = [
    # Webhook URLs: http(s) and the outbound address rules; a deploy policy names datasets that must exist.
    "webhooks-create",
    "webhooks-update",
    "deployments-put-policy",
    "auth-register",
    "auth-login",
    "invitations-create",  # special-use e-mail domains (.test) are refused by email-validator
    "auth-change-password",  # the current password must be right and the new one strong
    "auth-deactivate",  # the password must be right
    "api-keys-create",
    "prompts-resolve",
    "prompts-render",
    "prompts-create",
    "prompts-create-version",
    "prompts-move-label",
    "prompts-remove-label",
    "import-export-import",
    "providers-create",
    "providers-update",
    "runs-create",
    # Item size (PF_DATASET_ITEM_MAX_BYTES), nesting and node count; `input: null` on update; a
    # run whose variables cannot be an item.
    "dataset-items-create",
    "dataset-items-update",
    "dataset-items-from-run",
    # The file's format comes from its name (or `?format=`): a generated name without .csv, .jsonl
    # or .json is 422; so is a multipart body without a `file` part.
    "dataset-imports-create",
    # Variant names unique; the dataset (and version), prompts, labels and providers named must
    # exist; each assertion's value must suit its type (422 naming the field, as the issue asks).
    "evaluations-create",
    "evaluations-estimate",
    # The prompt's variables must be given (422 naming the missing one); no NUL in any key.
    "gateway-chat-completions",
    # Each of `names` must be a prompt name, at most 50 of them (a pattern per list item).
    "prompts-stream-events",
]

# Negative run: the API key goes in as a plain header. Given as schemathesis auth, it was negated
# with the rest of the request and 30 of 53 operations only ever answered 401; invalid keys are
# the positive run's `ignored_auth` check. More invalid parameters and bodies then reach validation.
# The coverage phase crashes on the import body's schema inside hypothesis on Python 3.11 ("AST
# constructor recursion depth mismatch", a CPython bug): that one operation is fuzzed without it.
# (schemathesis_cli.py works around the same bug where it strikes hypothesis' lambda naming.)
NEGATIVE_EXTRA = """
[generation]
with-security-parameters = false

[checks]
ignored_auth.enabled = false

[[operations]]
include-operation-id = "import-export-import"
phases.coverage.enabled = false
"""


def config(seeded: Seeded | None, auth: str) -> str:
    """schemathesis.toml for one run: `auth`, the 422 allowances and, given `seeded`, its ids."""
    accepted = '["2xx", "3xx", 401, 403, 404, 409, 422, 429]'
    allowances = "".join(
        f'''
[[operations]]
include-operation-id = "{op}"
checks.positive_data_acceptance.expected-statuses = {accepted}
'''
        for op in BUSINESS_RULE_422
    )
    # Pinned ids point generated requests at the seeded workspace and project so they reach the
    # handlers. Only for positive runs: schemathesis would count a pinned id as a mutated one.
    pinned = ""
    if seeded:
        pinned = f'[parameters]\n"path.project_id" = "{seeded.project_id}"\n'
        pinned += f'"path.workspace_id" = "{seeded.workspace_id}"\n'

    return f"""request-timeout = 10.0
suppress-health-check = ["too_slow", "filter_too_much"]

{pinned}
{auth}
{allowances}"""


def schemathesis(api: ApiServer, name: str, config_text: str, args: list[str]) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        config_file = Path(tmp) / "schemathesis.toml"
        config_file.write_text(config_text)
        command = [
            sys.executable,
            str(Path(__file__).with_name("schemathesis_cli.py")),
            "--config-file",
            str(config_file),
            "run",
            f"{api.base_url}/api/v1/openapi.json",
            "--checks",
            "all",
            "--max-examples",
            MAX_EXAMPLES,
            "--max-time",
            MAX_TIME,
            "--seed",
            os.environ.get("PF_FUZZ_SEED", "1"),
            "--workers",
            "2",
            *args,
        ]
        print(f"\n=== schemathesis: {name} ===", flush=True)
        started = time.monotonic()
        # cwd: schemathesis keeps a cache folder (.schemathesis/) in its working directory.
        code = subprocess.run(command, check=False, cwd=tmp).returncode
    print(f"=== {name}: exit {code} in {time.monotonic() - started:.0f} s ===", flush=True)
    return code


def main() -> int:
    postgres, redis = PrivatePostgres(), PrivateRedis()
    api = None
    try:
        # Change streams end after a second here (request-timeout is 10 s): a stream never ends on its own.
        api = ApiServer(postgres.url, redis.url, env={"PF_STREAM_MAX_SECONDS": "1"})
        seeded = seed(api.base_url)
        key_auth = f'[auth.openapi.apiKey]\nbearer = "{seeded.api_key}"\n'
        runs = [
            schemathesis(
                api,
                "editor API key, every operation, valid input, seeded ids",
                config(seeded, key_auth),
                ["--mode", "positive"],
            ),
            schemathesis(
                api,
                "editor API key, every operation, invalid input",
                config(None, key_auth),
                ["--mode", "negative"],
            ),
        ]
        # The session needs two cookies and the CSRF header, more than schemathesis' cookie auth
        # sets: send them as headers and leave auth-bypass checks to the API-key run.
        session_auth = (
            "[generation]\nwith-security-parameters = false\n[checks]\nignored_auth.enabled = false\n"
        )
        cookies = "; ".join(f"{k}={v}" for k, v in seeded.cookies.items())
        runs.append(
            schemathesis(
                api,
                "owner cookie session, account routes",
                config(seeded, session_auth),
                [
                    "-H",
                    f"Cookie: {cookies}",
                    "-H",
                    f"X-CSRF-Token: {seeded.csrf}",
                    "--include-tag-regex",
                    "^(auth|workspaces|projects|api-keys|audit)$",
                    *(arg for op in SESSION_EXCLUDED for arg in ("--exclude-operation-id", op)),
                    "--mode",
                    "positive",
                ],
            )
        )
        if any(runs):
            print("\nServer log (last lines):\n" + api.log_tail(), flush=True)
        print(f"\nschemathesis exit codes: {runs}", flush=True)
        return 1 if any(runs) else 0
    finally:
        if api is not None:
            api.close()
        redis.close()
        postgres.close()


if __name__ == "__main__":
    sys.exit(main())
