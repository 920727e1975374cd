from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.run_deployment_effect_reason import RunDeploymentEffectReason

if TYPE_CHECKING:
    from ..models.run_deployment_effect_metrics_type_0 import RunDeploymentEffectMetricsType0


T = TypeVar("T", bound="RunDeploymentEffect")


@_attrs_define
class RunDeploymentEffect:
    """What a run did to a deployment that follows the model it registered.

    Attributes:
        deployment (str):
        from_version (int | None):
        message (None | str):
        metrics (None | RunDeploymentEffectMetricsType0):
        reason (RunDeploymentEffectReason):
        to_version (int | None):
    """

    deployment: str
    from_version: int | None
    message: None | str
    metrics: None | RunDeploymentEffectMetricsType0
    reason: RunDeploymentEffectReason
    to_version: int | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.run_deployment_effect_metrics_type_0 import RunDeploymentEffectMetricsType0  # noqa: PLC0415

        deployment = self.deployment

        from_version: int | None
        from_version = self.from_version

        message: None | str
        message = self.message

        metrics: dict[str, Any] | None
        if isinstance(self.metrics, RunDeploymentEffectMetricsType0):
            metrics = self.metrics.to_dict()
        else:
            metrics = self.metrics

        reason = self.reason.value

        to_version: int | None
        to_version = self.to_version

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "deployment": deployment,
                "from_version": from_version,
                "message": message,
                "metrics": metrics,
                "reason": reason,
                "to_version": to_version,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.run_deployment_effect_metrics_type_0 import RunDeploymentEffectMetricsType0  # noqa: PLC0415

        d = dict(src_dict)
        deployment = d.pop("deployment")

        def _parse_from_version(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        from_version = _parse_from_version(d.pop("from_version"))

        def _parse_message(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        message = _parse_message(d.pop("message"))

        def _parse_metrics(data: object) -> None | RunDeploymentEffectMetricsType0:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                metrics_type_0 = RunDeploymentEffectMetricsType0.from_dict(data)

                return metrics_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | RunDeploymentEffectMetricsType0, data)

        metrics = _parse_metrics(d.pop("metrics"))

        reason = RunDeploymentEffectReason(d.pop("reason"))

        def _parse_to_version(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        to_version = _parse_to_version(d.pop("to_version"))

        run_deployment_effect = cls(
            deployment=deployment,
            from_version=from_version,
            message=message,
            metrics=metrics,
            reason=reason,
            to_version=to_version,
        )

        run_deployment_effect.additional_properties = d
        return run_deployment_effect

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
