from enum import StrEnum


class ParameterSpecType(StrEnum):
    BOOLEAN = "boolean"
    DATA_PATH = "data_path"
    ENUM = "enum"
    INTEGER = "integer"
    NUMBER = "number"
    STRING = "string"

    def __str__(self) -> str:
        return str(self.value)
