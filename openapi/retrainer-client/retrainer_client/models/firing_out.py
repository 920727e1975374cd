from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.firing_out_outcome import FiringOutOutcome

T = TypeVar("T", bound="FiringOut")


@_attrs_define
class FiringOut:
    """
    Attributes:
        at (datetime.datetime): When it was recorded
        id (str):
        outcome (FiringOutOutcome): `waiting`: overlap `queue`, submitted when the previous run ends
        path (None | str): data: the new or changed file
        reason (None | str): Why it was skipped
        run_id (None | str):
        sha256 (None | str): data: its content hash
        slot (datetime.datetime | None): schedule: the slot (UTC)
    """

    at: datetime.datetime
    id: str
    outcome: FiringOutOutcome
    path: None | str
    reason: None | str
    run_id: None | str
    sha256: None | str
    slot: datetime.datetime | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        at = self.at.isoformat()

        id = self.id

        outcome = self.outcome.value

        path: None | str
        path = self.path

        reason: None | str
        reason = self.reason

        run_id: None | str
        run_id = self.run_id

        sha256: None | str
        sha256 = self.sha256

        slot: None | str
        if isinstance(self.slot, datetime.datetime):
            slot = self.slot.isoformat()
        else:
            slot = self.slot

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "at": at,
                "id": id,
                "outcome": outcome,
                "path": path,
                "reason": reason,
                "run_id": run_id,
                "sha256": sha256,
                "slot": slot,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        at = datetime.datetime.fromisoformat(d.pop("at"))

        id = d.pop("id")

        outcome = FiringOutOutcome(d.pop("outcome"))

        def _parse_path(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        path = _parse_path(d.pop("path"))

        def _parse_reason(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        reason = _parse_reason(d.pop("reason"))

        def _parse_run_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        run_id = _parse_run_id(d.pop("run_id"))

        def _parse_sha256(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        sha256 = _parse_sha256(d.pop("sha256"))

        def _parse_slot(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                slot_type_0 = datetime.datetime.fromisoformat(data)

                return slot_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        slot = _parse_slot(d.pop("slot"))

        firing_out = cls(
            at=at,
            id=id,
            outcome=outcome,
            path=path,
            reason=reason,
            run_id=run_id,
            sha256=sha256,
            slot=slot,
        )

        firing_out.additional_properties = d
        return firing_out

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
