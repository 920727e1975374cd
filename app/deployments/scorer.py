"""Scoring a model's rows: scikit-learn's own path, or a compiled one for boosted trees.

A boosted-trees model is a Pipeline of a ColumnTransformer (numbers passed through,
categories ordinal-encoded) and a HistGradientBoosting estimator, which ordinal-encodes
its categorical features once more. Through scikit-learn, one row costs some 5 ms of
validation and pandas indexing in those two transforms, against well under a millisecond
in the trees. The compiled scorer does the two encodings with dictionaries (the
categories the encoders learnt) and calls the estimator's own trees.

It is used only when it was built from a model of exactly that shape and gives the same
answers as the model itself on probe rows (every category, missing and unseen values,
several numbers); otherwise, or on any error while building, scikit-learn's path serves.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

log = logging.getLogger("retrainer.deployments")

Columns = Mapping[str, np.ndarray]  # column name -> values (float64 for numbers, object otherwise)


class PlainScorer:
    """scikit-learn's own path: the rows as a DataFrame, then predict_proba or predict."""

    compiled = False

    def __init__(self, pipeline: Any, columns: Sequence[str]) -> None:
        self.pipeline, self.columns = pipeline, list(columns)

    def frame(self, table: Columns) -> Any:
        import pandas as pd

        return pd.DataFrame({name: table[name] for name in self.columns})

    def proba(self, table: Columns) -> np.ndarray:
        return np.asarray(self.pipeline.predict_proba(self.frame(table)))

    def predict(self, table: Columns) -> np.ndarray:
        return np.asarray(self.pipeline.predict(self.frame(table)))


def _is_missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


class _Encoding:
    """One ordinal encoding, as the OrdinalEncoder that learnt `categories` does it with
    handle_unknown='use_encoded_value'."""

    def __init__(self, categories: np.ndarray, unknown: float, missing: float) -> None:
        import pandas as pd

        self.codes: dict[Any, float] = {}
        for index, category in enumerate(categories.tolist()):
            if not _is_missing(category):
                self.codes[category] = float(index)
        self.unknown, self.missing = unknown, missing
        # Batches: a hash index of the same categories (same equality), vectorised.
        self.index = pd.Index(list(self.codes), dtype=categories.dtype)
        self.positions = np.asarray(list(self.codes.values()), dtype=np.float64)
        # The estimator's encoding of codes 0, 1, 2, ... that it learnt as 0, 1, 2, ...: each
        # code is its own (any other number is unknown).
        self.identity = (categories.dtype.kind == "f" and not np.isnan(categories).any()
                         and np.array_equal(categories, np.arange(len(categories), dtype=categories.dtype)))

    def __call__(self, values: np.ndarray) -> np.ndarray:
        if self.identity and values.dtype.kind == "f":
            return self._identity(values)
        if len(values) >= 64:
            return self._batch(values)
        codes, unknown, missing = self.codes, self.unknown, self.missing
        out = np.empty(len(values), dtype=np.float64)
        for i, value in enumerate(values.tolist()):
            found = codes.get(value)
            out[i] = found if found is not None else missing if _is_missing(value) else unknown
        return out


    def _identity(self, values: np.ndarray) -> np.ndarray:
        missing = np.isnan(values)
        known = ~missing & (values >= 0) & (values < len(self.codes)) & (np.floor(values) == values)
        out = np.where(known, values, self.unknown)
        out[missing] = self.missing
        return out.astype(np.float64)

    def _batch(self, values: np.ndarray) -> np.ndarray:
        import pandas as pd

        found = self.index.get_indexer(values)
        out = np.where(found >= 0, self.positions[found], self.unknown)
        if not (self.missing == self.unknown or (math.isnan(self.missing) and math.isnan(self.unknown))):
            out[pd.isna(values) & (found < 0)] = self.missing
        return out.astype(np.float64)


class CompiledTreesScorer:
    compiled = True

    def __init__(self, pipeline: Any) -> None:
        from sklearn.compose import ColumnTransformer
        from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
        from sklearn.preprocessing import FunctionTransformer, OrdinalEncoder

        preprocess, model = pipeline.named_steps["preprocess"], pipeline.named_steps["model"]
        if len(pipeline.steps) != 2 or not isinstance(preprocess, ColumnTransformer):
            raise TypeError("not a Pipeline(preprocess=ColumnTransformer, model=...)")
        if not isinstance(model, HistGradientBoostingClassifier | HistGradientBoostingRegressor):
            raise TypeError("not a HistGradientBoosting model")
        self.classifier = isinstance(model, HistGradientBoostingClassifier)
        # The outer transform: per output column, (input column, encoding or None for a number).
        self.outer: list[tuple[str, _Encoding | None]] = []
        for name, transformer, columns in preprocess.transformers_:
            if name == "remainder":
                if transformer != "drop":
                    raise TypeError("a remainder that is not dropped")
                continue
            if transformer == "passthrough" or (isinstance(transformer, FunctionTransformer)
                                                and transformer.func is None):
                self.outer += [(column, None) for column in columns]
            elif isinstance(transformer, OrdinalEncoder) and not getattr(transformer, "_infrequent_enabled", False):
                if transformer.handle_unknown != "use_encoded_value":
                    raise TypeError("an encoder that does not encode unknown categories")
                for column, categories in zip(columns, transformer.categories_, strict=True):
                    self.outer.append((column, _Encoding(categories, float(transformer.unknown_value),
                                                         float(transformer.encoded_missing_value))))
            else:
                raise TypeError(f"transformer {name!r} is not one the compiled scorer knows")
        # The estimator's own encoding of its categorical features: its output puts them first.
        inner = model._preprocessor
        self.inner_order: list[int] = []
        self.inner: list[_Encoding | None] = []
        if inner is not None:
            for name, transformer, mask in inner.transformers_:
                if name == "remainder":
                    if transformer != "drop" or np.asarray(mask, dtype=bool).any():
                        raise TypeError("the estimator's preprocessor keeps a remainder")
                    continue
                positions = np.flatnonzero(np.asarray(mask, dtype=bool)).tolist()
                if isinstance(transformer, OrdinalEncoder):
                    if transformer.handle_unknown != "use_encoded_value":
                        raise TypeError("the estimator's encoder does not encode unknown categories")
                    for categories in transformer.categories_:
                        self.inner.append(_Encoding(categories, float(transformer.unknown_value),
                                                    float(transformer.encoded_missing_value)))
                elif isinstance(transformer, FunctionTransformer):
                    self.inner += [None] * len(positions)
                else:
                    raise TypeError("the estimator's preprocessor is not one the compiled scorer knows")
                self.inner_order += positions
        else:
            self.inner_order = list(range(len(self.outer)))
            self.inner = [None] * len(self.outer)
        if len(self.inner_order) != len(self.outer) or model.n_features_in_ != len(self.outer):
            raise TypeError("the estimator's features do not match the transform's output")
        self.model = model
        self.bitsets, self.f_idx_map = model._bin_mapper.make_known_categories_bitsets()
        self.columns = sorted({column for column, _ in self.outer})

    def _features(self, table: Columns) -> np.ndarray:
        outer = []
        for column, encoding in self.outer:
            values = table[column]
            outer.append(encoding(values) if encoding is not None else np.asarray(values, dtype=np.float64))
        rows = len(outer[0]) if outer else 0
        features = np.empty((rows, len(self.outer)), dtype=np.float64)
        for j, (position, encoding) in enumerate(zip(self.inner_order, self.inner, strict=True)):
            values = outer[position]
            features[:, j] = encoding(values) if encoding is not None else values
        return features

    def _raw(self, table: Columns) -> np.ndarray:
        features = self._features(table)
        model = self.model
        raw = np.zeros((features.shape[0], model.n_trees_per_iteration_), dtype=model._baseline_prediction.dtype,
                       order="F")
        raw += model._baseline_prediction
        for predictors in model._predictors:
            for k, predictor in enumerate(predictors):
                raw[:, k] += predictor.predict(features, known_cat_bitsets=self.bitsets, f_idx_map=self.f_idx_map,
                                               n_threads=1)
        return raw

    def proba(self, table: Columns) -> np.ndarray:
        return np.asarray(self.model._loss.predict_proba(self._raw(table)))

    def predict(self, table: Columns) -> np.ndarray:
        if self.classifier:
            return np.asarray(self.model.classes_)[np.argmax(self.proba(table), axis=1)]
        return np.asarray(self.model._loss.link.inverse(self._raw(table).ravel()))


def probe_rows(schema: Sequence[Mapping[str, str]], pipeline: Any) -> dict[str, np.ndarray]:
    """Rows that reach every learnt category, missing values, unseen categories and a spread
    of numbers, in every column."""
    preprocess = pipeline.named_steps["preprocess"]
    categories: dict[str, list[Any]] = {}
    for _name, transformer, columns in preprocess.transformers_:
        for column, learnt in zip(columns, getattr(transformer, "categories_", ()), strict=False):
            categories[column] = [c for c in learnt.tolist() if not _is_missing(c)]
    count = max([len(v) for v in categories.values()] + [8]) + 3
    numbers = [0.0, 1.0, -1.0, 0.5, 3.0, 17.0, 40.0, 1e3, 1e5, 2e6, np.nan]
    table: dict[str, np.ndarray] = {}
    for index, column in enumerate(c["name"] for c in schema):
        if column in categories and categories[column]:
            known = categories[column]
            values = [known[(i + index) % len(known)] for i in range(count - 2)] + [None, "\x00unseen"]
            table[column] = np.asarray(values, dtype=object)
        else:
            table[column] = np.asarray([numbers[(i + index) % len(numbers)] for i in range(count)], dtype=np.float64)
    return table


def build(pipeline: Any, schema: Sequence[Mapping[str, str]], task: str | None) -> CompiledTreesScorer | PlainScorer:
    """The compiled scorer when it answers as the model does on probe rows; else the plain one."""
    plain = PlainScorer(pipeline, [c["name"] for c in schema])
    try:
        compiled = CompiledTreesScorer(pipeline)
        probes = probe_rows(schema, pipeline)
        if task == "regression" or not compiled.classifier:
            same = np.allclose(compiled.predict(probes), plain.predict(probes), rtol=1e-9, atol=1e-12, equal_nan=True)
        else:
            same = (np.allclose(compiled.proba(probes), plain.proba(probes), rtol=1e-9, atol=1e-12)
                    and (compiled.predict(probes) == plain.predict(probes)).all())
    except Exception as exc:  # noqa: BLE001 - any model the compiled scorer does not know: the plain path
        log.debug("the compiled scorer does not apply: %s", exc)
        return plain
    if not same:
        log.warning("the compiled scorer disagreed with the model on probe rows; scikit-learn's path serves")
        return plain
    return compiled
