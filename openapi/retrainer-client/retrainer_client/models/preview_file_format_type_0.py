from enum import StrEnum


class PreviewFileFormatType0(StrEnum):
    CSV = "csv"
    CSV_GZ = "csv.gz"
    CSV_BZ2 = "csv.bz2"
    PARQUET = "parquet"

    def __str__(self) -> str:
        return str(self.value)
