"""`pf prompts pull|push`: a project's prompts as one YAML file each, kept in the repository."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any
from uuid import UUID

import typer

from promptforge_cli.connection import Connection, connect
from promptforge_cli.console import err, out
from promptforge_cli.errors import ApiError, PfError, UsageProblem
from promptforge_cli.prompt_files import dump_prompt_file, read_prompt_dir
from promptforge_cli.prompt_sync import PushItem, import_document, plan_push
from promptforge_client.api.import_export import import_export_export, import_export_import
from promptforge_client.api.prompts import prompts_update
from promptforge_client.models.import_export_import_mode import ImportExportImportMode
from promptforge_client.models.import_report import ImportReport
from promptforge_client.models.project_export import ProjectExport
from promptforge_client.models.prompt import Prompt
from promptforge_client.models.prompt_update import PromptUpdate
from promptforge_client.types import Unset

app = typer.Typer(
    help="Prompts as code: pull them into YAML files, push changed ones back.", no_args_is_help=True
)


def _export(conn: Connection) -> dict[str, Any]:
    project_id = UUID(conn.project_id)
    exported = conn.call(import_export_export.sync_detailed, ProjectExport, "export", project_id=project_id)
    return exported.to_dict()


@app.command()
def pull(
    ctx: typer.Context,
    folder: Annotated[Path, typer.Argument(help="Where to write <name>.yaml files (created if missing).")],
    label: Annotated[
        str | None,
        typer.Option("--label", "-l", help="Write the version this label points at (default: latest)."),
    ] = None,
) -> None:
    """Write every prompt of the project to FOLDER/<name>.yaml (at its latest version or --label)."""
    conn = connect(ctx)
    export = _export(conn)
    folder.mkdir(parents=True, exist_ok=True)
    written = skipped = 0
    for prompt in export.get("prompts", []):
        versions = {v["number"]: v for v in prompt["versions"]}
        number = prompt.get("labels", {}).get(label) if label else max(versions)
        if number is None:
            out.print(f"skipped    {prompt['name']} (no label {label})")
            skipped += 1
            continue
        origin = f" (label {label})" if label else " (latest)"
        origin += f", pulled from {conn.config.host} project {conn.key.project_slug}"
        path = folder / f"{prompt['name']}.yaml"
        path.write_text(dump_prompt_file(prompt, versions[number], origin), encoding="utf-8")
        out.print(f"pulled     {prompt['name']} v{number} -> {path}")
        written += 1
    without = f", {skipped} without label {label}" if skipped else ""
    out.print(f"{written} prompt(s) written to {folder}{without}")


def _describe(item: PushItem, dry_run: bool, label: str | None) -> str:
    word = "unchanged" if item.change == "unchanged" else "would-create" if dry_run else "created"
    what = f"v{item.version}" + (" (new prompt)" if item.change == "new" else "")
    extras = []
    if item.label_moved and label:
        extras.append(f"label {label} {'would move' if dry_run else 'moved'} to v{item.version}")
    if item.metadata:
        extras.append(f"{'would update' if dry_run else 'updated'} {', '.join(sorted(item.metadata))}")
    return f"{word:<13}{item.file.name} {what}" + (f"; {'; '.join(extras)}" if extras else "")


def _refusal(exc: ApiError, label: str | None) -> PfError:
    if exc.status == 403 and label:
        return PfError(
            f"Refused: {exc.detail} Moving label {label!r} needs a role this API key does not have "
            "(protected labels such as production: admins and owners). Nothing was pushed.",
        )
    return PfError(f"{exc.message}\nNothing was pushed.", exc.exit_code)


@app.command()
def push(
    ctx: typer.Context,
    folder: Annotated[Path, typer.Argument(help="The folder of <name>.yaml prompt files.")],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would change; write nothing.")
    ] = False,
    message: Annotated[
        str | None, typer.Option("--message", "-m", help="Commit message of the new versions.")
    ] = None,
    label: Annotated[
        str | None,
        typer.Option("--label", "-l", help="Move this label to the pushed versions (e.g. staging)."),
    ] = None,
) -> None:
    """Create a new version of each prompt whose file changed; --label moves a label to them.

    Everything is applied in one transaction: a refusal (e.g. a protected label) writes nothing."""
    if label == "latest":
        raise UsageProblem("'latest' is implicit and cannot be moved; pass another --label.")
    files = read_prompt_dir(folder)  # every file is checked before the server is asked anything
    if not files:
        raise PfError(f"{folder}: no .yaml prompt files")
    conn = connect(ctx)
    plan = plan_push(files, _export(conn), label, message or f"pf prompts push {folder}")
    document = import_document(plan)
    pending: dict[str, str] = {}  # prompt -> deployment id, where the deploy policy wants approval
    if document["prompts"]:
        mode = ImportExportImportMode.DRY_RUN if dry_run else ImportExportImportMode.MERGE
        try:
            report = conn.call(
                import_export_import.sync_detailed,
                ImportReport,
                "pushing prompts",
                project_id=UUID(conn.project_id),
                body=ProjectExport.from_dict(document),
                mode=mode,
            )
        except ApiError as exc:
            raise _refusal(exc, label) from None
        if not isinstance(report.deployments, Unset):
            pending = {d.prompt: str(d.id) for d in report.deployments}
    if not dry_run:
        for item in plan:  # after the import succeeded: description and tags of existing prompts
            if item.metadata and item.change != "new":
                conn.call(
                    prompts_update.sync_detailed,
                    Prompt,
                    f"updating {item.file.name}",
                    project_id=UUID(conn.project_id),
                    name=item.file.name,
                    body=PromptUpdate.from_dict(item.metadata),
                )
    for item in plan:
        if item.file.name in pending:  # the label did not move: the deploy policy wants approval
            item.label_moved = False
        out.print(_describe(item, dry_run, label))
    for name, deployment_id in sorted(pending.items()):
        out.print(f"pending      {name}: label {label} awaits approval (deployment {deployment_id})")
    changed = sum(1 for item in plan if item.change != "unchanged")
    verb = "would change" if dry_run else "changed"
    summary = f"{len(plan)} prompt(s): {changed} {verb}, {len(plan) - changed} unchanged"
    (err if dry_run else out).print(summary + (" (dry run: nothing written)" if dry_run else ""))
