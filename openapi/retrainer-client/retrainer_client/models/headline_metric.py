from enum import StrEnum


class HeadlineMetric(StrEnum):
    ACCURACY = "accuracy"
    F1 = "f1"
    LOG_LOSS = "log_loss"
    MAE = "mae"
    PRECISION = "precision"
    R2 = "r2"
    RECALL = "recall"
    RMSE = "rmse"
    ROC_AUC = "roc_auc"

    def __str__(self) -> str:
        return str(self.value)
