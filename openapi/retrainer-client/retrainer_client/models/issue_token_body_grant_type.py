from enum import StrEnum


class IssueTokenBodyGrantType(StrEnum):
    CLIENT_CREDENTIALS = "client_credentials"
    PASSWORD = "password"

    def __str__(self) -> str:
        return str(self.value)
