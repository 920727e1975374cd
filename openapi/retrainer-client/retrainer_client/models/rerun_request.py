from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.rerun_request_parameters import RerunRequestParameters


T = TypeVar("T", bound="RerunRequest")


@_attrs_define
class RerunRequest:
    """
    Attributes:
        experiment (None | str | Unset):
        parameters (RerunRequestParameters | Unset): Overrides of the original run's parameter values
        regenerate (bool | Unset): Run every step again; reuse no earlier outputs Default: False.
    """

    experiment: None | str | Unset = UNSET
    parameters: RerunRequestParameters | Unset = UNSET
    regenerate: bool | Unset = False

    def to_dict(self) -> dict[str, Any]:
        experiment: None | str | Unset
        if isinstance(self.experiment, Unset):
            experiment = UNSET
        else:
            experiment = self.experiment

        parameters: dict[str, Any] | Unset = UNSET
        if not isinstance(self.parameters, Unset):
            parameters = self.parameters.to_dict()

        regenerate = self.regenerate

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if experiment is not UNSET:
            field_dict["experiment"] = experiment
        if parameters is not UNSET:
            field_dict["parameters"] = parameters
        if regenerate is not UNSET:
            field_dict["regenerate"] = regenerate

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.rerun_request_parameters import RerunRequestParameters  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_experiment(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        experiment = _parse_experiment(d.pop("experiment", UNSET))

        _parameters = d.pop("parameters", UNSET)
        parameters: RerunRequestParameters | Unset
        if isinstance(_parameters, Unset):
            parameters = UNSET
        else:
            parameters = RerunRequestParameters.from_dict(_parameters)

        regenerate = d.pop("regenerate", UNSET)

        rerun_request = cls(
            experiment=experiment,
            parameters=parameters,
            regenerate=regenerate,
        )

        return rerun_request
