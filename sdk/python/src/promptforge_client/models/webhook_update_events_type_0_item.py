from enum import StrEnum


class WebhookUpdateEventsType0Item(StrEnum):
    DATASET_IMPORT_COMPLETED = "dataset.import.completed"
    DEPLOYMENT_APPROVED = "deployment.approved"
    DEPLOYMENT_PENDING = "deployment.pending"
    DEPLOYMENT_REJECTED = "deployment.rejected"
    EVALUATION_COMPLETED = "evaluation.completed"
    LABEL_MOVED = "label.moved"
    LABEL_REMOVED = "label.removed"
    PROMPT_ARCHIVED = "prompt.archived"
    PROMPT_VERSION_CREATED = "prompt.version.created"
    VALUE_9 = "*"

    def __str__(self) -> str:
        return str(self.value)
