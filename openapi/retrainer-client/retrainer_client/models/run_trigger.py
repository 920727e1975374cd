from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="RunTrigger")


@_attrs_define
class RunTrigger:
    """Why a trigger started the run: its schedule slot, the file that arrived, or the drift
    check of a deployment (kind drift: id and name are the deployment's).

        Attributes:
            id (str):
            kind (str): schedule | data | drift
            name (str):
            check (None | str | Unset): kind drift: the drift check that began the episode (GET
                /deployments/{name}/drift/checks)
            path (None | str | Unset): The new or changed file (datastore://...)
            slot (datetime.datetime | None | Unset): The schedule's slot (UTC)
    """

    id: str
    kind: str
    name: str
    check: None | str | Unset = UNSET
    path: None | str | Unset = UNSET
    slot: datetime.datetime | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        kind = self.kind

        name = self.name

        check: None | str | Unset
        if isinstance(self.check, Unset):
            check = UNSET
        else:
            check = self.check

        path: None | str | Unset
        if isinstance(self.path, Unset):
            path = UNSET
        else:
            path = self.path

        slot: None | str | Unset
        if isinstance(self.slot, Unset):
            slot = UNSET
        elif isinstance(self.slot, datetime.datetime):
            slot = self.slot.isoformat()
        else:
            slot = self.slot

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "kind": kind,
                "name": name,
            }
        )
        if check is not UNSET:
            field_dict["check"] = check
        if path is not UNSET:
            field_dict["path"] = path
        if slot is not UNSET:
            field_dict["slot"] = slot

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        kind = d.pop("kind")

        name = d.pop("name")

        def _parse_check(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        check = _parse_check(d.pop("check", UNSET))

        def _parse_path(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        path = _parse_path(d.pop("path", UNSET))

        def _parse_slot(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                slot_type_0 = datetime.datetime.fromisoformat(data)

                return slot_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        slot = _parse_slot(d.pop("slot", UNSET))

        run_trigger = cls(
            id=id,
            kind=kind,
            name=name,
            check=check,
            path=path,
            slot=slot,
        )

        run_trigger.additional_properties = d
        return run_trigger

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
