"""Write the OpenAPI document to a file, or check that the committed snapshot matches the server."""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from promptforge.core.config import Settings
from promptforge.main import create_app


def render_openapi() -> str:
    settings = Settings(secret_key="x" * 32, encryption_key="y" * 32, data_dir=Path(tempfile.gettempdir()))
    return json.dumps(create_app(settings).openapi(), indent=2, sort_keys=False) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("path", type=Path)
    parser.add_argument("--check", action="store_true", help="fail if the file differs")
    args = parser.parse_args()
    current = render_openapi()
    if args.check:
        if not args.path.exists() or args.path.read_text() != current:
            print(
                f"{args.path} is out of date: run `make openapi client` and commit the result.",
                file=sys.stderr,
            )
            return 1
        return 0
    args.path.write_text(current)
    return 0


if __name__ == "__main__":
    sys.exit(main())
