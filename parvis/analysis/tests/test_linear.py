"""The fast linear classifiers: artifact round trip, bad inputs, explanations, held-out floors."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest

from parvis.analysis import train as training
from parvis.analysis.linear import FeatureConfig, LinearTextModel, TrainConfig, train
from parvis.analysis.textnorm import tokens

MODELS = Path(training.__file__).resolve().parent / "models"

# Held-out macro-F1 of the committed artifacts, rounded down (see models/MODEL_CARD.md).
FLOORS = {"aggression": 0.71, "hostility": 0.63, "sentiment": 0.61}

TEXTS = [
    "tu es vraiment un gros connard, ferme ta gueule",
    "merci beaucoup pour votre aide, bonne journée",
    "espèce d'idiot, dégage d'ici",
    "la réunion publique aura lieu jeudi à la mairie",
    "t'es qu'une grosse merde",
    "bravo à toute l'équipe pour ce beau travail",
    "va te faire foutre sale con",
    "le marché est ouvert le samedi matin",
]
LABELS = ["bad", "good", "bad", "good", "bad", "good", "bad", "good"]

BAD_INPUTS = [
    "",
    " ",
    "\x00\x00abc\x00",
    "😀😡🔥" * 10,
    "a" * 100_000,
    "Ça va ? " * 12_500,
    "\u202e\u200b\ufeff",
    "\U0001d518\U0001d52b\U0001d526 \ufdfd 漢字 עברית",
    "\ud7ff\ue000",
]


@pytest.fixture(scope="module")
def tiny() -> LinearTextModel:
    config = TrainConfig(features=FeatureConfig(min_df=1, lexicon=True), C=10.0)
    return train(TEXTS, LABELS, config, name="tiny", lexicon=["connard", "sale con", "idiot"])


def test_save_load_round_trip(tiny: LinearTextModel, tmp_path: Path) -> None:
    tiny.threshold = 0.42
    path = tmp_path / "tiny.npz"
    tiny.save(path)
    back = LinearTextModel.load(path)
    assert back.name == "tiny"
    assert back.classes == tiny.classes
    assert back.threshold == pytest.approx(0.42)
    assert back.features == tiny.features
    assert back.lexicon == tiny.lexicon
    np.testing.assert_allclose(back.predict_proba(TEXTS), tiny.predict_proba(TEXTS), atol=1e-6)
    assert back.predict(TEXTS) == tiny.predict(TEXTS)
    with np.load(path, allow_pickle=False) as data:  # loads without pickle
        assert set(data.files) >= {"vocabulary", "idf", "coef", "intercept", "classes", "config"}


def test_learns_the_tiny_set(tiny: LinearTextModel) -> None:
    tiny.threshold = None
    assert tiny.predict(TEXTS) == LABELS


@pytest.mark.parametrize("text", BAD_INPUTS)
def test_bad_inputs(tiny: LinearTextModel, text: str) -> None:
    proba = tiny.predict_proba([text])
    assert proba.shape == (1, 2)
    assert np.all(np.isfinite(proba))
    assert proba.sum() == pytest.approx(1.0)
    assert tiny.predict([text])[0] in tiny.classes
    for label in tiny.classes:
        assert isinstance(tiny.top_features(text, label), list)


def test_empty_batch_and_non_strings(tiny: LinearTextModel) -> None:
    assert tiny.predict_proba([]).shape == (0, 2)
    assert tiny.predict([]) == []
    with pytest.raises(TypeError):
        tiny.predict_proba("one string")


def test_long_text_is_capped_and_fast(tiny: LinearTextModel) -> None:
    long_text = "tu es un connard " * 6_000  # 102,000 characters
    start = time.perf_counter()
    tiny.predict_proba([long_text])
    assert time.perf_counter() - start < 0.5
    assert len(tokens(long_text)) <= tiny.features.max_chars


def test_top_features_are_in_the_text(tiny: LinearTextModel) -> None:
    text = "Espèce de CONNARD, tu es un idiot"
    folded = " " + " ".join(tokens(text)) + " "
    top = tiny.top_features(text, "bad", k=5)
    assert top
    assert all(score > 0 for _, score in top)
    for gram, _ in top:
        for part in gram.split(", "):
            assert part in folded
    assert any("connard" in gram or "idiot" in gram for gram, _ in top)
    good = tiny.top_features("merci beaucoup", "good", k=3)
    assert all(gram in " merci beaucoup " for gram, _ in good)
    with pytest.raises(ValueError, match="not one of"):
        tiny.top_features(text, "unknown")


def test_multiclass_round_trip(tmp_path: Path) -> None:
    labels = ["a", "b", "c", "a", "b", "c", "a", "b"]
    model = train(TEXTS, labels, TrainConfig(features=FeatureConfig(min_df=1)), name="three")
    model.save(tmp_path / "three.npz")
    back = LinearTextModel.load(tmp_path / "three.npz")
    proba = back.predict_proba(TEXTS + BAD_INPUTS)
    assert proba.shape == (len(TEXTS) + len(BAD_INPUTS), 3)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert back.top_features(TEXTS[0], "a", k=3)


def test_training_is_deterministic() -> None:
    config = TrainConfig(features=FeatureConfig(min_df=1))
    one = train(TEXTS, LABELS, config)
    two = train(TEXTS, LABELS, config)
    np.testing.assert_array_equal(one.coef, two.coef)


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_committed_model_meets_its_held_out_figure(name: str) -> None:
    path = MODELS / f"{name}.npz"
    if not training.datasets_dir().is_dir():
        pytest.skip("public datasets folder not present")
    model = LinearTextModel.load(path)
    _, heldout = training.RECIPES[name].split()
    figures = training.evaluate_model(model, heldout)
    assert figures["macro_f1"] >= FLOORS[name]
    assert path.stat().st_size < 5_000_000
