from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.column_summary import ColumnSummary


T = TypeVar("T", bound="Preview")


@_attrs_define
class Preview:
    """
    Attributes:
        columns (list[ColumnSummary]): At most 100 columns, in the file's order
        columns_total (int):
        complete (bool): Whether the summaries cover every row of the file
        format_ (str):
        rows (list[list[Any]]): The first rows, one value per column of `columns` (text cut at 200 characters)
        rows_read (int): Rows the column summaries cover
    """

    columns: list[ColumnSummary]
    columns_total: int
    complete: bool
    format_: str
    rows: list[list[Any]]
    rows_read: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        columns = []
        for columns_item_data in self.columns:
            columns_item = columns_item_data.to_dict()
            columns.append(columns_item)

        columns_total = self.columns_total

        complete = self.complete

        format_ = self.format_

        rows = []
        for rows_item_data in self.rows:
            rows_item = rows_item_data

            rows.append(rows_item)

        rows_read = self.rows_read

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "columns": columns,
                "columns_total": columns_total,
                "complete": complete,
                "format": format_,
                "rows": rows,
                "rows_read": rows_read,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.column_summary import ColumnSummary  # noqa: PLC0415

        d = dict(src_dict)
        columns = []
        _columns = d.pop("columns")
        for columns_item_data in _columns:
            columns_item = ColumnSummary.from_dict(columns_item_data)

            columns.append(columns_item)

        columns_total = d.pop("columns_total")

        complete = d.pop("complete")

        format_ = d.pop("format")

        rows = []
        _rows = d.pop("rows")
        for rows_item_data in _rows:
            rows_item = cast(list[Any], rows_item_data)

            rows.append(rows_item)

        rows_read = d.pop("rows_read")

        preview = cls(
            columns=columns,
            columns_total=columns_total,
            complete=complete,
            format_=format_,
            rows=rows,
            rows_read=rows_read,
        )

        preview.additional_properties = d
        return preview

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
