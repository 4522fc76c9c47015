"""Write examples/breast_cancer_predictions.csv: a real model's predictions on held-out data.

A logistic regression on scikit-learn's bundled Wisconsin breast-cancer data (569 samples),
trained on 70% and scored on the other 30%. Columns: y_true, y_pred (class names) and
score (the predicted probability of "malignant").

    python examples/make_breast_cancer_predictions.py
"""

from __future__ import annotations

import csv
from pathlib import Path

from sklearn.datasets import load_breast_cancer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

OUT = Path(__file__).with_name("breast_cancer_predictions.csv")


def main() -> None:
    data = load_breast_cancer()
    # scikit-learn codes malignant as 0 and benign as 1; name them so nobody has to remember.
    names = {0: "malignant", 1: "benign"}
    x_train, x_test, y_train, y_test = train_test_split(
        data.data, data.target, test_size=0.3, random_state=0, stratify=data.target
    )
    model = make_pipeline(StandardScaler(), LogisticRegression(C=0.05, max_iter=1000))
    model.fit(x_train, y_train)
    p_malignant = model.predict_proba(x_test)[:, list(model.classes_).index(0)]
    with OUT.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["y_true", "y_pred", "score"])
        for truth, p in zip(y_test, p_malignant, strict=True):
            predicted = "malignant" if p >= 0.5 else "benign"
            writer.writerow([names[int(truth)], predicted, f"{p:.6f}"])
    print(f"wrote {OUT} ({len(y_test)} rows)")


if __name__ == "__main__":
    main()
