from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.model_ref import ModelRef


T = TypeVar("T", bound="PredictOut")


@_attrs_define
class PredictOut:
    """
    Attributes:
        model (ModelRef):
        predictions (list[Any]):
        classes (list[Any] | None | Unset): Classifiers: the order of each probabilities row
        prediction_ids (list[None | str] | None | Unset): With monitor.log_predictions: one per row, the id its feedback
            names; null for a row the sample left out
        probabilities (list[list[float]] | None | Unset):
    """

    model: ModelRef
    predictions: list[Any]
    classes: list[Any] | None | Unset = UNSET
    prediction_ids: list[None | str] | None | Unset = UNSET
    probabilities: list[list[float]] | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        model = self.model.to_dict()

        predictions = self.predictions

        classes: list[Any] | None | Unset
        if isinstance(self.classes, Unset):
            classes = UNSET
        elif isinstance(self.classes, list):
            classes = self.classes

        else:
            classes = self.classes

        prediction_ids: list[None | str] | None | Unset
        if isinstance(self.prediction_ids, Unset):
            prediction_ids = UNSET
        elif isinstance(self.prediction_ids, list):
            prediction_ids = []
            for prediction_ids_type_0_item_data in self.prediction_ids:
                prediction_ids_type_0_item: None | str
                prediction_ids_type_0_item = prediction_ids_type_0_item_data
                prediction_ids.append(prediction_ids_type_0_item)

        else:
            prediction_ids = self.prediction_ids

        probabilities: list[list[float]] | None | Unset
        if isinstance(self.probabilities, Unset):
            probabilities = UNSET
        elif isinstance(self.probabilities, list):
            probabilities = []
            for probabilities_type_0_item_data in self.probabilities:
                probabilities_type_0_item = probabilities_type_0_item_data

                probabilities.append(probabilities_type_0_item)

        else:
            probabilities = self.probabilities

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "model": model,
                "predictions": predictions,
            }
        )
        if classes is not UNSET:
            field_dict["classes"] = classes
        if prediction_ids is not UNSET:
            field_dict["prediction_ids"] = prediction_ids
        if probabilities is not UNSET:
            field_dict["probabilities"] = probabilities

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.model_ref import ModelRef  # noqa: PLC0415

        d = dict(src_dict)
        model = ModelRef.from_dict(d.pop("model"))

        predictions = cast(list[Any], d.pop("predictions"))

        def _parse_classes(data: object) -> list[Any] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                classes_type_0 = cast(list[Any], data)

                return classes_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[Any] | None | Unset, data)

        classes = _parse_classes(d.pop("classes", UNSET))

        def _parse_prediction_ids(data: object) -> list[None | str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                prediction_ids_type_0 = []
                _prediction_ids_type_0 = data
                for prediction_ids_type_0_item_data in _prediction_ids_type_0:

                    def _parse_prediction_ids_type_0_item(data: object) -> None | str:
                        if data is None:
                            return data
                        return cast(None | str, data)

                    prediction_ids_type_0_item = _parse_prediction_ids_type_0_item(prediction_ids_type_0_item_data)

                    prediction_ids_type_0.append(prediction_ids_type_0_item)

                return prediction_ids_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[None | str] | None | Unset, data)

        prediction_ids = _parse_prediction_ids(d.pop("prediction_ids", UNSET))

        def _parse_probabilities(data: object) -> list[list[float]] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                probabilities_type_0 = []
                _probabilities_type_0 = data
                for probabilities_type_0_item_data in _probabilities_type_0:
                    probabilities_type_0_item = cast(list[float], probabilities_type_0_item_data)

                    probabilities_type_0.append(probabilities_type_0_item)

                return probabilities_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[list[float]] | None | Unset, data)

        probabilities = _parse_probabilities(d.pop("probabilities", UNSET))

        predict_out = cls(
            model=model,
            predictions=predictions,
            classes=classes,
            prediction_ids=prediction_ids,
            probabilities=probabilities,
        )

        predict_out.additional_properties = d
        return predict_out

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
