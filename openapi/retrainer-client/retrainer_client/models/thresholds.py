from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="Thresholds")


@_attrs_define
class Thresholds:
    """
    Attributes:
        js (float | Unset): A category column drifted when its Jensen-Shannon distance (base 2) is at least this
            Default: 0.1.
        psi (float | Unset): A number column drifted when its population stability index is at least this Default: 0.2.
    """

    js: float | Unset = 0.1
    psi: float | Unset = 0.2

    def to_dict(self) -> dict[str, Any]:
        js = self.js

        psi = self.psi

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if js is not UNSET:
            field_dict["js"] = js
        if psi is not UNSET:
            field_dict["psi"] = psi

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        js = d.pop("js", UNSET)

        psi = d.pop("psi", UNSET)

        thresholds = cls(
            js=js,
            psi=psi,
        )

        return thresholds
