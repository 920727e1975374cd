from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.azure_run_status_statuscode import AzureRunStatusStatuscode

T = TypeVar("T", bound="AzureRunStatus")


@_attrs_define
class AzureRunStatus:
    """
    Attributes:
        creation_time (datetime.datetime):
        end_time (datetime.datetime | None):
        status_code (AzureRunStatusStatuscode):
        status_detail (None | str): Why it failed (the step and the cause), or null
    """

    creation_time: datetime.datetime
    end_time: datetime.datetime | None
    status_code: AzureRunStatusStatuscode
    status_detail: None | str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        creation_time = self.creation_time.isoformat()

        end_time: None | str
        if isinstance(self.end_time, datetime.datetime):
            end_time = self.end_time.isoformat()
        else:
            end_time = self.end_time

        status_code = self.status_code.value

        status_detail: None | str
        status_detail = self.status_detail

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "CreationTime": creation_time,
                "EndTime": end_time,
                "StatusCode": status_code,
                "StatusDetail": status_detail,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        creation_time = datetime.datetime.fromisoformat(d.pop("CreationTime"))

        def _parse_end_time(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                end_time_type_0 = datetime.datetime.fromisoformat(data)

                return end_time_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        end_time = _parse_end_time(d.pop("EndTime"))

        status_code = AzureRunStatusStatuscode(d.pop("StatusCode"))

        def _parse_status_detail(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        status_detail = _parse_status_detail(d.pop("StatusDetail"))

        azure_run_status = cls(
            creation_time=creation_time,
            end_time=end_time,
            status_code=status_code,
            status_detail=status_detail,
        )

        azure_run_status.additional_properties = d
        return azure_run_status

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
