from enum import StrEnum


class ImportExportImportMode(StrEnum):
    DRY_RUN = "dry-run"
    MERGE = "merge"

    def __str__(self) -> str:
        return str(self.value)
