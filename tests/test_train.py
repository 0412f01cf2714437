"""Training the line model: labels from the reference, a deterministic fit, the file's shape."""

from __future__ import annotations

import json

from pipeline.stages import line_model
from pipeline.train import Reference, fit, in_reference, model_data

REF = Reference.of("Der Rat hat am Montag den Haushalt beschlossen, nach drei Stunden Debatte.\nZutaten\n- 500 g Mehl")


def test_labels_follow_the_reference() -> None:
    assert in_reference("Der Rat hat am Montag den Haushalt beschlossen, nach drei Stunden Debatte.", REF)
    assert in_reference("Zutaten", REF)  # a whole paragraph of the reference
    assert not in_reference("Montag", REF)  # a word of it, but no paragraph: a menu entry elsewhere
    assert in_reference("500 g Mehl", REF)
    assert not in_reference("Schreibe einen Kommentar", REF)


def _data() -> tuple[list[list[str]], list[int], list[float]]:
    rows, labels = [], []
    for i in range(60):
        content = i % 3 != 0
        rows.append(["w6", "cls:good", f"u:{i % 7}"] if content else ["w1", "cls:short", "link", f"u:{i % 5}"])
        labels.append(int(content))
    return rows, labels, [1.0 + (i % 4) for i in range(60)]


def test_training_is_deterministic_and_learns_the_direction() -> None:
    first, second = fit(*_data()), fit(*_data())
    assert first == second
    weights, _ = first
    assert weights["cls:good"] > 0 > weights["link"]
    t = {"drop_below": 0.1, "keep_above": 0.95, "html_drop_below": 0.0}
    assert model_data(*first, t, {"version": "x"}) == model_data(*second, t, {"version": "x"})


def test_model_file_has_the_format_the_stage_reads() -> None:
    t = {"drop_below": 0.1, "keep_above": 0.95, "html_drop_below": 0.0}
    data = json.loads(model_data(*fit(*_data()), t, {"version": "x"}))
    assert data["format"] == line_model.FORMAT and data["thresholds"] == t
