from enum import StrEnum


class GateMetricType0(StrEnum):
    ROC_AUC = "roc_auc"
    ACCURACY = "accuracy"
    BALANCED_ACCURACY = "balanced_accuracy"
    F1 = "f1"
    R2 = "r2"

    def __str__(self) -> str:
        return str(self.value)
