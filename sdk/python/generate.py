"""Regenerate the Python client (src/promptforge_client) from openapi.json, or check it has not drifted.

openapi-python-client replaces its whole output folder, so it writes into a temporary folder and only
the generated files are copied over: hand-written modules beside them (prompt_cache.py) survive.
`--check` generates the same way and fails listing every file that differs.
"""

from __future__ import annotations

import argparse
import filecmp
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
PACKAGE = HERE / "src" / "promptforge_client"
CONFIG = HERE / "openapi-python-client.yaml"
# What the generator owns inside the package; everything else there is hand-written.
GENERATED_DIRS = ("api", "models")
GENERATED_FILES = ("__init__.py", "client.py", "errors.py", "types.py", "py.typed")
# The generator names models by schema title and refuses duplicates, dropping the routes that use
# them: two server schemas are titled ResolvedPrompt, and the inline Run.params would be named
# like the RunParams schema. These titles (the Python class names) tell them apart.
TITLES = {
    ("promptforge__prompts__schemas__ResolvedPrompt",): "ResolvedPrompt",
    ("promptforge__evaluations__schemas__ResolvedPrompt",): "EvaluationResolvedPrompt",
    ("Run", "properties", "params"): "SentParams",
}


def _retitled(spec: Path, into: Path) -> Path:
    """A copy of the spec with the titles above; the server's openapi.json stays as it is."""
    document = json.loads(spec.read_text())
    schemas = document["components"]["schemas"]
    for path, title in TITLES.items():
        node = schemas
        for key in path:
            node = node[key]
        node["title"] = title
    copy = into / "openapi.json"
    copy.write_text(json.dumps(document))
    return copy


def generate(spec: Path, into: Path) -> Path:
    """Run the generator; return the folder holding the generated package."""
    out = into / "promptforge_client"
    spec = _retitled(spec, into)
    generator = Path(sys.executable).with_name("openapi-python-client")
    result = subprocess.run(
        [
            str(generator),
            "generate",
            "--path",
            str(spec),
            "--config",
            str(CONFIG),
            "--meta",
            "none",
            "--output-path",
            str(out),
            "--overwrite",
        ],
        check=False,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0 or "response will be omitted" in result.stdout + result.stderr:
        sys.stderr.write(result.stdout + result.stderr)
        raise SystemExit("openapi-python-client failed or left routes out (see above)")
    return out


def _files(root: Path) -> set[str]:
    found = {f for f in GENERATED_FILES if (root / f).exists()}
    for d in GENERATED_DIRS:
        found |= {
            str(p.relative_to(root))
            for p in (root / d).rglob("*")
            if p.is_file() and "__pycache__" not in p.parts
        }
    return found


def drift(fresh: Path) -> list[str]:
    """Files that differ between a fresh generation and the committed package."""
    ours, theirs = _files(PACKAGE), _files(fresh)
    differ = sorted(ours ^ theirs)
    differ += sorted(f for f in ours & theirs if not filecmp.cmp(PACKAGE / f, fresh / f, shallow=False))
    return differ


def install(fresh: Path) -> None:
    PACKAGE.mkdir(parents=True, exist_ok=True)
    for d in GENERATED_DIRS:
        shutil.rmtree(PACKAGE / d, ignore_errors=True)
        shutil.copytree(fresh / d, PACKAGE / d)
    for f in GENERATED_FILES:
        if (fresh / f).exists():
            shutil.copy2(fresh / f, PACKAGE / f)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="fail when the committed client drifts")
    parser.add_argument("--spec", type=Path, default=REPO / "openapi.json")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        fresh = generate(args.spec, Path(tmp))
        if not args.check:
            install(fresh)
            return 0
        differ = drift(fresh)
    if differ:
        print("sdk/python/src/promptforge_client drifted from openapi.json; run `make sdk`:", file=sys.stderr)
        for f in differ:
            print(f"  {f}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
