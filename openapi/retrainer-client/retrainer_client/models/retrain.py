from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.retrain_parameters import RetrainParameters


T = TypeVar("T", bound="Retrain")


@_attrs_define
class Retrain:
    """The run a drift episode submits: one per episode, at most one per cooldown. It acts
    for the principal that set it (who needs runs:write), and names itself on the run as
    its trigger: {"id": deployment id, "name": deployment name, "kind": "drift", "check"}.

        Attributes:
            endpoint (str): The endpoint to run (id or name), in this workspace
            cooldown_seconds (int | Unset): No second retrain within this many seconds of the last one Default: 86400.
            parameters (RetrainParameters | Unset): As in a run request
    """

    endpoint: str
    cooldown_seconds: int | Unset = 86400
    parameters: RetrainParameters | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        endpoint = self.endpoint

        cooldown_seconds = self.cooldown_seconds

        parameters: dict[str, Any] | Unset = UNSET
        if not isinstance(self.parameters, Unset):
            parameters = self.parameters.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "endpoint": endpoint,
            }
        )
        if cooldown_seconds is not UNSET:
            field_dict["cooldown_seconds"] = cooldown_seconds
        if parameters is not UNSET:
            field_dict["parameters"] = parameters

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.retrain_parameters import RetrainParameters  # noqa: PLC0415

        d = dict(src_dict)
        endpoint = d.pop("endpoint")

        cooldown_seconds = d.pop("cooldown_seconds", UNSET)

        _parameters = d.pop("parameters", UNSET)
        parameters: RetrainParameters | Unset
        if isinstance(_parameters, Unset):
            parameters = UNSET
        else:
            parameters = RetrainParameters.from_dict(_parameters)

        retrain = cls(
            endpoint=endpoint,
            cooldown_seconds=cooldown_seconds,
            parameters=parameters,
        )

        return retrain
