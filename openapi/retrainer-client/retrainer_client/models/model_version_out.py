from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.lineage import Lineage
    from ..models.model_version_out_hyperparameters_type_0 import ModelVersionOutHyperparametersType0
    from ..models.model_version_out_library_versions import ModelVersionOutLibraryVersions
    from ..models.model_version_out_metrics_type_0 import ModelVersionOutMetricsType0
    from ..models.model_version_out_reference_profile_type_0 import ModelVersionOutReferenceProfileType0


T = TypeVar("T", bound="ModelVersionOut")


@_attrs_define
class ModelVersionOut:
    """
    Attributes:
        algorithm (None | str):
        classes (list[Any] | None):
        created_at (datetime.datetime):
        download_url (str):
        feature_columns (list[str] | None):
        hyperparameters (ModelVersionOutHyperparametersType0 | None):
        label_column (None | str):
        library_versions (ModelVersionOutLibraryVersions):
        lineage (Lineage):
        metrics (ModelVersionOutMetricsType0 | None):
        name (str):
        sha256 (str):
        size (int):
        task (None | str):
        version (int):
        reference_profile (ModelVersionOutReferenceProfileType0 | None | Unset): The training rows' distribution, which
            a deployment's drift is measured against: {rows, bins, top_categories, columns: {name: {kind, missing, edges and
            counts | values and other}}, prediction}; null for a model trained before profiles were recorded
    """

    algorithm: None | str
    classes: list[Any] | None
    created_at: datetime.datetime
    download_url: str
    feature_columns: list[str] | None
    hyperparameters: ModelVersionOutHyperparametersType0 | None
    label_column: None | str
    library_versions: ModelVersionOutLibraryVersions
    lineage: Lineage
    metrics: ModelVersionOutMetricsType0 | None
    name: str
    sha256: str
    size: int
    task: None | str
    version: int
    reference_profile: ModelVersionOutReferenceProfileType0 | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.model_version_out_hyperparameters_type_0 import ModelVersionOutHyperparametersType0  # noqa: PLC0415
        from ..models.model_version_out_metrics_type_0 import ModelVersionOutMetricsType0  # noqa: PLC0415
        from ..models.model_version_out_reference_profile_type_0 import ModelVersionOutReferenceProfileType0  # noqa: PLC0415

        algorithm: None | str
        algorithm = self.algorithm

        classes: list[Any] | None
        if isinstance(self.classes, list):
            classes = self.classes

        else:
            classes = self.classes

        created_at = self.created_at.isoformat()

        download_url = self.download_url

        feature_columns: list[str] | None
        if isinstance(self.feature_columns, list):
            feature_columns = self.feature_columns

        else:
            feature_columns = self.feature_columns

        hyperparameters: dict[str, Any] | None
        if isinstance(self.hyperparameters, ModelVersionOutHyperparametersType0):
            hyperparameters = self.hyperparameters.to_dict()
        else:
            hyperparameters = self.hyperparameters

        label_column: None | str
        label_column = self.label_column

        library_versions = self.library_versions.to_dict()

        lineage = self.lineage.to_dict()

        metrics: dict[str, Any] | None
        if isinstance(self.metrics, ModelVersionOutMetricsType0):
            metrics = self.metrics.to_dict()
        else:
            metrics = self.metrics

        name = self.name

        sha256 = self.sha256

        size = self.size

        task: None | str
        task = self.task

        version = self.version

        reference_profile: dict[str, Any] | None | Unset
        if isinstance(self.reference_profile, Unset):
            reference_profile = UNSET
        elif isinstance(self.reference_profile, ModelVersionOutReferenceProfileType0):
            reference_profile = self.reference_profile.to_dict()
        else:
            reference_profile = self.reference_profile

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "algorithm": algorithm,
                "classes": classes,
                "created_at": created_at,
                "download_url": download_url,
                "feature_columns": feature_columns,
                "hyperparameters": hyperparameters,
                "label_column": label_column,
                "library_versions": library_versions,
                "lineage": lineage,
                "metrics": metrics,
                "name": name,
                "sha256": sha256,
                "size": size,
                "task": task,
                "version": version,
            }
        )
        if reference_profile is not UNSET:
            field_dict["reference_profile"] = reference_profile

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.lineage import Lineage  # noqa: PLC0415
        from ..models.model_version_out_hyperparameters_type_0 import ModelVersionOutHyperparametersType0  # noqa: PLC0415
        from ..models.model_version_out_library_versions import ModelVersionOutLibraryVersions  # noqa: PLC0415
        from ..models.model_version_out_metrics_type_0 import ModelVersionOutMetricsType0  # noqa: PLC0415
        from ..models.model_version_out_reference_profile_type_0 import ModelVersionOutReferenceProfileType0  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_algorithm(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        algorithm = _parse_algorithm(d.pop("algorithm"))

        def _parse_classes(data: object) -> list[Any] | None:
            if data is None:
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                classes_type_0 = cast(list[Any], data)

                return classes_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[Any] | None, data)

        classes = _parse_classes(d.pop("classes"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        download_url = d.pop("download_url")

        def _parse_feature_columns(data: object) -> list[str] | None:
            if data is None:
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                feature_columns_type_0 = cast(list[str], data)

                return feature_columns_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None, data)

        feature_columns = _parse_feature_columns(d.pop("feature_columns"))

        def _parse_hyperparameters(data: object) -> ModelVersionOutHyperparametersType0 | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                hyperparameters_type_0 = ModelVersionOutHyperparametersType0.from_dict(data)

                return hyperparameters_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ModelVersionOutHyperparametersType0 | None, data)

        hyperparameters = _parse_hyperparameters(d.pop("hyperparameters"))

        def _parse_label_column(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        label_column = _parse_label_column(d.pop("label_column"))

        library_versions = ModelVersionOutLibraryVersions.from_dict(d.pop("library_versions"))

        lineage = Lineage.from_dict(d.pop("lineage"))

        def _parse_metrics(data: object) -> ModelVersionOutMetricsType0 | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                metrics_type_0 = ModelVersionOutMetricsType0.from_dict(data)

                return metrics_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ModelVersionOutMetricsType0 | None, data)

        metrics = _parse_metrics(d.pop("metrics"))

        name = d.pop("name")

        sha256 = d.pop("sha256")

        size = d.pop("size")

        def _parse_task(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        task = _parse_task(d.pop("task"))

        version = d.pop("version")

        def _parse_reference_profile(data: object) -> ModelVersionOutReferenceProfileType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                reference_profile_type_0 = ModelVersionOutReferenceProfileType0.from_dict(data)

                return reference_profile_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ModelVersionOutReferenceProfileType0 | None | Unset, data)

        reference_profile = _parse_reference_profile(d.pop("reference_profile", UNSET))

        model_version_out = cls(
            algorithm=algorithm,
            classes=classes,
            created_at=created_at,
            download_url=download_url,
            feature_columns=feature_columns,
            hyperparameters=hyperparameters,
            label_column=label_column,
            library_versions=library_versions,
            lineage=lineage,
            metrics=metrics,
            name=name,
            sha256=sha256,
            size=size,
            task=task,
            version=version,
            reference_profile=reference_profile,
        )

        model_version_out.additional_properties = d
        return model_version_out

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
