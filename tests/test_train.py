"""Training the line model: labels from the reference, a deterministic fit, the file's shape."""

from __future__ import annotations

import json
from pathlib import Path

from pipeline.stages import line_model
from pipeline.train import Fitted, PageLines, Reference, fit, fit_stages, in_reference, model_data

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


def _pages() -> list[PageLines]:
    rows, labels, weights = _data()
    return [PageLines(f"p{k}", rows[k::4], labels[k::4], weights[k::4]) for k in range(4)]


def test_training_is_deterministic_and_learns_the_direction() -> None:
    first, second = fit(*_data()), fit(*_data())
    assert first == second
    weights, _ = first
    assert weights["cls:good"] > 0 > weights["link"]
    a, b = fit_stages(_pages()), fit_stages(_pages())
    assert a == b and a.weights2
    t = {"drop_below": 0.1, "keep_above": 0.95, "html_drop_below": 0.0}
    assert model_data(a, t, {"version": "x"}) == model_data(b, t, {"version": "x"})


def test_model_file_has_the_format_the_stage_reads(tmp_path: Path) -> None:
    t = {"drop_below": 0.1, "keep_above": 0.95, "html_drop_below": 0.0}
    path = tmp_path / "m.json"
    path.write_text(model_data(fit_stages(_pages()), t, {"version": "x"}), encoding="utf-8")
    model = line_model.load_model(str(path))
    assert model is not None and (model.drop_below, model.keep_above, model.html_drop_below) == (0.1, 0.95, 0.0)
    content, chrome = model.page_probabilities(
        {0: (("w6", "cls:good", "u:1"), (), ()), 1: (("w1", "cls:short", "link"), (), ())}
    ).values()
    assert content[0] > chrome[0]


def test_fitted_weights_round_trip() -> None:
    fitted = Fitted({"a": 1.0}, 0.5, {"s2:o3": -0.2}, 0.1)
    data = json.loads(model_data(fitted, {"drop_below": 0.1, "keep_above": 0.9, "html_drop_below": 0.0}, {}))
    assert (data["weights"], data["bias"], data["weights2"], data["bias2"]) == ({"a": 1.0}, 0.5, {"s2:o3": -0.2}, 0.1)
