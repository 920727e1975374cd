from enum import StrEnum


class PreviewFileFormatType0(StrEnum):
    CSV = "csv"
    CSV_BZ2 = "csv.bz2"
    CSV_GZ = "csv.gz"
    PARQUET = "parquet"

    def __str__(self) -> str:
        return str(self.value)
