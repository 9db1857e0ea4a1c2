"""`pf datasets push|pull`: upload a CSV/JSONL/JSON file into a dataset, download one.

Both run as jobs on the server: pf follows them (polling the import or export) with a progress bar
on stderr, so stdout keeps only the result lines.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path
from typing import Annotated
from urllib.parse import urljoin, urlsplit
from uuid import UUID

import httpx
import typer
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeElapsedColumn

from promptforge_cli.connection import Connection, check, connect, transport_errors
from promptforge_cli.console import err, out
from promptforge_cli.errors import ApiError, PfError, UsageProblem
from promptforge_client.api.datasets import (
    dataset_exports_create,
    dataset_exports_get,
    dataset_imports_create,
    dataset_imports_get,
    datasets_create,
    datasets_get,
)
from promptforge_client.models.dataset import Dataset
from promptforge_client.models.dataset_create import DatasetCreate
from promptforge_client.models.dataset_export import DatasetExport
from promptforge_client.models.dataset_export_status import DatasetExportStatus
from promptforge_client.models.dataset_import import DatasetImport
from promptforge_client.models.dataset_import_status import DatasetImportStatus
from promptforge_client.models.dataset_imports_create_body import DatasetImportsCreateBody
from promptforge_client.models.export_create import ExportCreate
from promptforge_client.models.export_create_format import ExportCreateFormat
from promptforge_client.types import File

app = typer.Typer(help="Upload and download datasets.", no_args_is_help=True)

POLL_SECONDS = 0.3
SHOWN_ERRORS = 20
EXPORT_FORMATS = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl"}


def _ensure_dataset(conn: Connection, name: str) -> None:
    """Create the dataset when it does not exist yet (an import needs one)."""
    project_id = UUID(conn.project_id)
    try:
        conn.call(datasets_get.sync_detailed, Dataset, f"dataset {name}", project_id=project_id, name=name)
        return
    except ApiError as exc:
        if exc.status != 404:
            raise
    conn.call(
        datasets_create.sync_detailed,
        Dataset,
        f"creating dataset {name}",
        project_id=project_id,
        body=DatasetCreate(name=name),
    )
    err.print(f"created dataset {name}")


def _bar() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=False,
    )


@app.command()
def push(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="A CSV (header row), JSONL or JSON array file.")],
    dataset: Annotated[str, typer.Option("--dataset", "-d", help="The dataset (created if missing).")],
    strict: Annotated[
        bool, typer.Option("--strict", help="All or nothing: any bad row fails the import.")
    ] = False,
    file_format: Annotated[
        str | None, typer.Option("--format", help="csv, jsonl or json (default: from the extension).")
    ] = None,
) -> None:
    """Import FILE into a dataset as one new version, following the import with a progress bar.

    Exit 1 when the import fails (with --strict: any rejected row); rejected rows are listed."""
    if not file.is_file():
        raise UsageProblem(f"{file}: no such file")
    conn = connect(ctx)
    _ensure_dataset(conn, dataset)
    project_id = UUID(conn.project_id)
    with file.open("rb") as payload:
        started = conn.call(
            dataset_imports_create.sync_detailed,
            DatasetImport,
            f"uploading {file.name}",
            project_id=project_id,
            name=dataset,
            body=DatasetImportsCreateBody(file=File(payload=payload, file_name=file.name)),
            format_=file_format,
            strict=strict,
        )
    current = started
    with _bar() as progress:
        task = progress.add_task(f"importing {file.name}", total=max(current.size_bytes, 1))
        while current.status in (DatasetImportStatus.QUEUED, DatasetImportStatus.RUNNING):
            time.sleep(POLL_SECONDS)
            current = conn.call(
                dataset_imports_get.sync_detailed,
                DatasetImport,
                "following the import",
                project_id=project_id,
                name=dataset,
                import_id=current.id,
            )
            progress.update(task, completed=current.bytes_done)
        progress.update(task, completed=max(current.size_bytes, 1))
    for row in current.errors[:SHOWN_ERRORS]:
        err.print(f"  line {row.line}: {row.message}", markup=False)
    if current.error_count > SHOWN_ERRORS:
        err.print(f"  ... {current.error_count - SHOWN_ERRORS} more rejected rows")
    if current.status == DatasetImportStatus.FAILED:
        raise PfError(f"Import of {file.name} into {dataset} failed: {current.message or 'see above'}")
    rejected = f"; {current.error_count} row(s) rejected" if current.error_count else ""
    out.print(
        f"imported {current.items_created} item(s) from {file.name} into {dataset} "
        f"(version {current.version}){rejected}"
    )


def _download(conn: Connection, url: str, target: Path) -> None:
    """Stream the export into `target` (written whole or not at all). A presigned link to another
    host (S3) is fetched without the API key: it must never leave for another server."""
    absolute = urljoin(conn.config.host + "/", url)
    same_server = urlsplit(absolute).netloc == urlsplit(conn.config.host).netloc
    client = conn.http if same_server else httpx.Client(timeout=conn.http.timeout)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, partial = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with transport_errors(conn.config.host), client.stream("GET", absolute) as response:
            if response.status_code >= 400:
                response.read()
                check(response, "downloading the export")
            with os.fdopen(fd, "wb") as f:
                for chunk in response.iter_bytes():
                    f.write(chunk)
        os.replace(partial, target)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise
    finally:
        if not same_server:
            client.close()


@app.command()
def pull(
    ctx: typer.Context,
    dataset: Annotated[str, typer.Argument(help="The dataset's name.")],
    file: Annotated[Path, typer.Argument(help="Where to write it (.csv or .jsonl).")],
    file_format: Annotated[
        str | None, typer.Option("--format", help="csv or jsonl (default: by the extension, else jsonl).")
    ] = None,
) -> None:
    """Export the dataset's current version into FILE (CSV or JSONL), through the export job."""
    chosen = file_format or EXPORT_FORMATS.get(file.suffix.lower(), "jsonl")
    if chosen not in ("csv", "jsonl"):
        raise UsageProblem(f"--format must be csv or jsonl, not {chosen!r}")
    conn = connect(ctx)
    project_id = UUID(conn.project_id)
    export = conn.call(
        dataset_exports_create.sync_detailed,
        DatasetExport,
        f"exporting dataset {dataset}",
        project_id=project_id,
        name=dataset,
        body=ExportCreate(format_=ExportCreateFormat(chosen)),
    )
    with err.status(f"exporting {dataset}"):
        while export.status in (DatasetExportStatus.QUEUED, DatasetExportStatus.RUNNING):
            time.sleep(POLL_SECONDS)
            export = conn.call(
                dataset_exports_get.sync_detailed,
                DatasetExport,
                "following the export",
                project_id=project_id,
                name=dataset,
                export_id=export.id,
            )
    if export.status == DatasetExportStatus.FAILED or not export.download_url:
        raise PfError(f"Export of {dataset} failed: {export.message or 'no file was produced'}")
    _download(conn, export.download_url, file)
    out.print(f"pulled {export.item_count} item(s) of {dataset} (version {export.version}) into {file}")
