from enum import StrEnum


class ParameterSpecType(StrEnum):
    STRING = "string"
    INTEGER = "integer"
    NUMBER = "number"
    BOOLEAN = "boolean"
    DATA_PATH = "data_path"
    ENUM = "enum"

    def __str__(self) -> str:
        return str(self.value)
