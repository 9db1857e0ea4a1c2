from enum import StrEnum


class DeploymentsListStatusType0(StrEnum):
    APPROVED = "approved"
    DEPLOYED = "deployed"
    PENDING = "pending"
    REJECTED = "rejected"
    SUPERSEDED = "superseded"

    def __str__(self) -> str:
        return str(self.value)
