"""`pf` before any work: where settings come from (flags, environment, pf.toml, the `pf login` file)
and how it fails: a bad key, an unreachable server and bad usage exit 2 with a message, no traceback."""

from __future__ import annotations

import socket
import stat
import tomllib

from cli_pf.pf_harness import PfProject


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])  # nothing listens there once the socket is closed


def assert_clean_failure(run_stderr: str) -> None:
    assert "Traceback" not in run_stderr
    assert run_stderr.startswith("pf: ") or "Usage:" in run_stderr


def test_bad_key_exits_2_with_a_message(pf_project: PfProject) -> None:
    run = pf_project.pf("prompts", "pull", "out", key="pf_not-a-real-key")
    assert run.code == 2, run.output
    assert "401" in run.stderr and "API key" in run.stderr
    assert_clean_failure(run.stderr)
    assert not (pf_project.workdir / "out").exists()


def test_unreachable_server_exits_2(pf_project: PfProject) -> None:
    run = pf_project.pf("prompts", "pull", "out", env={"PF_HOST": f"http://127.0.0.1:{closed_port()}"})
    assert run.code == 2, run.output
    assert "Cannot reach Prompt-Forge at http://127.0.0.1:" in run.stderr
    assert_clean_failure(run.stderr)


def test_usage_errors_exit_2(pf_project: PfProject) -> None:
    run = pf_project.pf("prompts", "push")  # DIR missing
    assert run.code == 2, run.output
    assert "Missing argument" in run.stderr
    assert "Traceback" not in run.output


def test_missing_host_or_key_is_a_usage_error(pf_project: PfProject) -> None:
    run = pf_project.pf("prompts", "pull", "out", env={"PF_HOST": ""})
    assert run.code == 2 and "No Prompt-Forge server" in run.stderr, run.output
    run = pf_project.pf("prompts", "pull", "out", env={"PF_API_KEY": ""})
    assert run.code == 2 and "No API key for" in run.stderr, run.output


def test_login_stores_host_and_key_0600_and_later_commands_use_them(pf_project: PfProject) -> None:
    no_env = {"PF_HOST": "", "PF_API_KEY": ""}
    run = pf_project.pf("--host", pf_project.host, "login", "--key", pf_project.viewer_key, env=no_env)
    assert run.code == 0, run.output
    path = pf_project.home / ".config" / "promptforge" / "config.toml"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    stored = tomllib.loads(path.read_text())
    assert stored["default_host"] == pf_project.host
    assert stored["hosts"][pf_project.host]["api_key"] == pf_project.viewer_key
    assert f"of project {pf_project.slug}" in run.stdout

    # nothing in the environment now: host and key come from the login file
    pulled = pf_project.pf("prompts", "pull", "out", env={"PF_HOST": "", "PF_API_KEY": ""})
    assert pulled.code == 0, pulled.output


def test_login_with_a_bad_key_stores_nothing(pf_project: PfProject) -> None:
    run = pf_project.pf("--host", pf_project.host, "login", "--key", "pf_wrong", env={"PF_HOST": ""})
    assert run.code == 2, run.output
    assert not (pf_project.home / ".config" / "promptforge" / "config.toml").exists()


def test_flags_beat_environment_beat_pf_toml(pf_project: PfProject) -> None:
    closed = f"http://127.0.0.1:{closed_port()}"
    (pf_project.workdir / "pf.toml").write_text(f'host = "{closed}"\nproject = "{pf_project.slug}"\n')
    nested = pf_project.workdir / "a" / "b"
    nested.mkdir(parents=True)

    # pf.toml (found from a sub-folder, up to the git root) names a dead server: exit 2 naming it
    from_file = pf_project.pf("prompts", "pull", "out", env={"PF_HOST": ""}, cwd=nested)
    assert from_file.code == 2 and closed in from_file.stderr, from_file.output
    # the environment wins over pf.toml; pf.toml's project (a slug) is the key's: fine
    from_env = pf_project.pf("prompts", "pull", "out", cwd=nested)
    assert from_env.code == 0, from_env.output
    # a flag wins over the environment
    from_flag = pf_project.pf("--host", closed, "prompts", "pull", "out", cwd=nested)
    assert from_flag.code == 2 and closed in from_flag.stderr, from_flag.output


def test_a_project_that_is_not_the_keys_is_refused_clearly(pf_project: PfProject) -> None:
    run = pf_project.pf("prompts", "pull", "out", env={"PF_PROJECT": "someone-elses"})
    assert run.code == 2, run.output
    assert f"The API key belongs to project {pf_project.slug}" in run.stderr
    assert "PF_PROJECT" in run.stderr


def test_pf_toml_above_the_git_root_is_ignored(pf_project: PfProject) -> None:
    (pf_project.workdir.parent / "pf.toml").write_text('host = "http://127.0.0.1:1"\n')
    run = pf_project.pf("prompts", "pull", "out")
    assert run.code == 0, run.output
