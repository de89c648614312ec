"""Fast linear text classifiers: TF-IDF word and character n-grams + logistic regression.

No Django here, and no pickle: a model is a ``.npz`` of plain arrays (vocabulary as strings,
idf, coefficients, intercept, classes, lexicon) plus a JSON string with the featurisation
settings, read back with :meth:`LinearTextModel.load`. Inference is plain Python + numpy
(scikit-learn is only imported by :func:`train`), so loading is quick and a batch is scored
at several thousand texts per second on one core.

Features of one text (see :mod:`parvis.analysis.textnorm` for the folding):

* word n-grams of the folded tokens (``word_ngrams``, e.g. uni- and bigrams);
* character n-grams of the folded tokens joined by single spaces, with a space on each end
  (``char_ngrams``, e.g. 2 to 5 characters; they cross word boundaries);
* optionally the pseudo-words ``<lex>`` (one or more hits) and ``<lex2>`` (two or more) when
  tokens or bigrams are found in the lexicon saved with the model (an insult list, say);
* each block is TF-IDF weighted (binary tf for words, counts for characters, smoothed idf),
  normalised on its own (see :meth:`LinearTextModel._values`), then scaled by its block weight;
* for a binary task, optionally the NB-SVM log-count ratio of each feature (Wang & Manning
  2012) multiplies the features before the regression; it is folded into the saved
  coefficients.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field, replace
from itertools import pairwise, repeat
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from parvis.analysis.textnorm import DEFAULT_MAX_CHARS, tokens

FORMAT_VERSION = 1
LEXICON_TOKEN = "<lex>"  # noqa: S105 - a feature name, not a secret
LEXICON_TOKEN2 = "<lex2>"

FloatArray = npt.NDArray[np.float64]
Doc = tuple[set[str], str]
IntArray = npt.NDArray[np.intp]
Occurrences = tuple[IntArray, FloatArray]  # a text's feature ids and the weight of each


@dataclass(frozen=True)
class FeatureConfig:
    """How a text becomes features. Saved in the artifact, so loading rebuilds the same."""

    word_ngrams: tuple[int, int] = (1, 2)  # (0, 0): no word block; at most bigrams
    char_ngrams: tuple[int, int] = (2, 5)  # (0, 0): no character block
    min_df: int = 2
    max_chars: int = DEFAULT_MAX_CHARS
    word_weight: float = 1.0
    char_weight: float = 1.0
    lexicon: bool = False  # add <lex> (and <lex2>) for lexicon hits (needs ``lexicon`` terms)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FeatureConfig:
        return cls(
            word_ngrams=(int(data["word_ngrams"][0]), int(data["word_ngrams"][1])),
            char_ngrams=(int(data["char_ngrams"][0]), int(data["char_ngrams"][1])),
            min_df=int(data["min_df"]),
            max_chars=int(data["max_chars"]),
            word_weight=float(data["word_weight"]),
            char_weight=float(data["char_weight"]),
            lexicon=bool(data["lexicon"]),
        )


@dataclass(frozen=True)
class TrainConfig:
    """Featurisation + regression settings for :func:`train`."""

    features: FeatureConfig = field(default_factory=FeatureConfig)
    C: float = 1.0
    class_weight: str | None = "balanced"
    nb: bool = False  # NB-SVM log-count ratio scaling (binary tasks only)
    max_iter: int = 3000


class Featuriser:
    """Text → (set of word grams, folded text for the character grams)."""

    def __init__(self, config: FeatureConfig, lexicon: Iterable[str] = ()) -> None:
        if config.word_ngrams[1] > 2:
            raise ValueError("word n-grams are at most bigrams")
        self.config = config
        self.lexicon: frozenset[str] = frozenset(lexicon) if config.lexicon else frozenset()

    def grams(self, text: str) -> Doc:
        cfg = self.config
        toks = tokens(text, cfg.max_chars)
        lo, hi = cfg.word_ngrams
        words: set[str] = set()
        if hi >= 1:
            if lo <= 1:
                words.update(toks)
            if hi >= 2:
                words.update(map(" ".join, pairwise(toks)))
            if self.lexicon:
                hits = len(self.lexicon.intersection(toks)) + len(self.lexicon.intersection(words))
                if hits:
                    words.add(LEXICON_TOKEN)
                    if hits > 1:
                        words.add(LEXICON_TOKEN2)
        joined = " " + " ".join(toks) + " " if cfg.char_ngrams[1] >= 1 else ""
        return words, joined

    def lexicon_hits(self, toks: Sequence[str]) -> list[str]:
        lex = self.lexicon
        grams = set(toks) | set(map(" ".join, pairwise(toks)))
        return sorted(lex.intersection(grams))


def char_grams(joined: str, lo: int, hi: int) -> list[str]:
    """Character n-grams of a folded text, as strings (training and explanations)."""
    size = len(joined)
    out: list[str] = []
    for n in range(lo, hi + 1):
        out.extend([joined[i : i + n] for i in range(size - n + 1)])
    return out


# Character n-grams are looked up by a 64-bit polynomial hash computed for a whole batch at
# once in numpy (no Python loop per n-gram), in an open-addressing table built at load time.
_SEED = np.uint64(0x9AE16A3B2F90404F)
_PRIME = np.uint64(0x100000001B3)
_MIX = np.uint64(0x9E3779B97F4A7C15)


def hash_grams(grams: Sequence[str]) -> npt.NDArray[np.uint64]:
    """The hash of each n-gram string, equal to what :func:`_window_hashes` gives in a text."""
    out = np.zeros(len(grams), dtype=np.uint64)
    if not grams:
        return out
    lengths = np.array([len(g) for g in grams])
    for n in np.unique(lengths).tolist():
        where = np.flatnonzero(lengths == n)
        block = np.array([grams[i] for i in where.tolist()], dtype=f"<U{n}")
        codes = block.view(np.uint32).reshape(-1, n).astype(np.uint64) + np.uint64(1)
        h = np.full(len(where), _SEED, dtype=np.uint64)
        for k in range(n):
            h = h * _PRIME + codes[:, k]
        out[where] = h
    return out


def _window_hashes(
    joined: Sequence[str], lo: int, hi: int
) -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.intp]]:
    """Hashes of every character n-gram (lo..hi) of the texts, with where each one starts.

    The texts are joined by NUL, which no folded text holds: a window across two texts has a
    hash that no vocabulary entry has, so it is simply not found.
    """
    big = "\x00".join(joined)
    codes = np.frombuffer(big.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    codes += np.uint64(1)
    size = codes.shape[0]
    total = sum(max(0, size - n + 1) for n in range(lo, hi + 1))
    hashes = np.empty(total, dtype=np.uint64)
    starts = np.empty(total, dtype=np.intp)
    h = np.full(size, _SEED, dtype=np.uint64)
    at = 0
    for n in range(1, hi + 1):
        count = size - n + 1
        if count <= 0:
            break
        h = h[:count]
        h *= _PRIME
        h += codes[n - 1 :]
        if n >= lo:
            hashes[at : at + count] = h
            starts[at : at + count] = np.arange(count)
            at += count
    return hashes[:at], starts[:at]


class _HashTable:
    """uint64 key → int id, open addressing with linear probing, all lookups vectorised."""

    def __init__(self, keys: npt.NDArray[np.uint64]) -> None:
        bits = max(4, int(np.ceil(np.log2(max(1, len(keys)) * 8))))
        self.shift = np.uint64(64 - bits)
        self.mask = (1 << bits) - 1
        self.keys = np.zeros(1 << bits, dtype=np.uint64)
        self.values = np.full(1 << bits, -1, dtype=np.int32)
        pending = np.arange(len(keys))
        slots = self._slots(keys)
        self.max_probe = 0
        while pending.size:
            self.max_probe += 1
            s = slots[pending]
            free = self.values[s] < 0
            taken, first = np.unique(s[free], return_index=True)
            winners = pending[free][first]
            self.keys[taken] = keys[winners]
            self.values[taken] = winners
            placed = np.zeros(len(keys), dtype=bool)
            placed[winners] = True
            pending = pending[~placed[pending]]
            slots[pending] = (slots[pending] + 1) & self.mask

    def _slots(self, keys: npt.NDArray[np.uint64]) -> npt.NDArray[np.intp]:
        return ((keys * _MIX) >> self.shift).astype(np.intp)

    def lookup(self, keys: npt.NDArray[np.uint64]) -> npt.NDArray[np.intp]:
        """Id of each key, -1 where absent."""
        slots = self._slots(keys)
        value = self.values[slots]
        # An empty slot holds key 0, which no 64-bit hash is in practice.
        found = np.where(self.keys[slots] == keys, value, -1).astype(np.intp)
        active = np.flatnonzero((value >= 0) & (found < 0))
        for _ in range(self.max_probe - 1):
            if not active.size:
                break
            s = (slots[active] + 1) & self.mask
            slots[active] = s
            value = self.values[s]
            hit = (value >= 0) & (self.keys[s] == keys[active])
            found[active[hit]] = value[hit]
            active = active[(value >= 0) & ~hit]
        return found


def fold_lexicon(entries: Iterable[str]) -> list[str]:
    """Lexicon entries folded like the texts (one string per entry, tokens joined by spaces)."""
    out = {" ".join(tokens(e)) for e in entries if e.strip() and not e.startswith("#")}
    out.discard("")
    return sorted(out)


class LinearTextModel:
    """A trained linear classifier over word + character n-grams."""

    def __init__(
        self,
        *,
        name: str,
        classes: Sequence[str],
        features: FeatureConfig,
        vocabulary: Sequence[str],
        n_word: int,
        idf: npt.ArrayLike,
        coef: npt.ArrayLike,
        intercept: npt.ArrayLike,
        threshold: float | None = None,
        lexicon: Sequence[str] = (),
        meta: dict[str, Any] | None = None,
    ) -> None:
        self.name = name
        self.classes: tuple[str, ...] = tuple(classes)
        self.features = features
        self.vocabulary: list[str] = list(vocabulary)
        self.n_word = int(n_word)
        self.idf = np.asarray(idf, dtype=np.float32)
        self.coef = np.atleast_2d(np.asarray(coef, dtype=np.float32))  # (rows, V)
        self.intercept = np.atleast_1d(np.asarray(intercept, dtype=np.float64))
        self.threshold = threshold
        self.lexicon: tuple[str, ...] = tuple(lexicon)
        self.meta: dict[str, Any] = dict(meta or {})
        if len(self.classes) < 2:
            raise ValueError("a classifier needs at least two classes")
        rows = 1 if len(self.classes) == 2 else len(self.classes)
        if self.coef.shape != (rows, len(self.vocabulary)):
            raise ValueError(f"coef shape {self.coef.shape} does not fit the vocabulary")
        self._featuriser = Featuriser(features, self.lexicon)
        self._word_index = dict(
            zip(self.vocabulary[: self.n_word], range(self.n_word), strict=True)
        )
        self._table = _HashTable(hash_grams(self.vocabulary[self.n_word :]))
        # Score of feature j for row k is x_j * coef[k, j], with x_j = w_b * tf * idf_j / norm_b.
        self._idf2 = (self.idf.astype(np.float64)) ** 2
        # Models with the same signature read a text into the same occurrences.
        reading = hashlib.sha256(repr((features, self.n_word, self.lexicon)).encode())
        reading.update("\0".join(self.vocabulary).encode())
        reading.update(self.idf.tobytes())
        self.signature = reading.hexdigest()
        self._weighted = (self.coef.astype(np.float64) * self.idf.astype(np.float64)).T.copy()

    # ---------------------------------------------------------------- persistence

    def save(self, path: str | Path) -> None:
        config = {
            "format": FORMAT_VERSION,
            "name": self.name,
            "features": asdict(self.features),
            "n_word": self.n_word,
            "threshold": self.threshold,
            "meta": self.meta,
        }
        np.savez_compressed(
            Path(path),
            config=np.array(json.dumps(config, ensure_ascii=False, sort_keys=True)),
            vocabulary=np.array(self.vocabulary, dtype=np.str_),
            idf=self.idf.astype(np.float32),
            coef=self.coef.astype(np.float32),
            intercept=self.intercept.astype(np.float64),
            classes=np.array(self.classes, dtype=np.str_),
            lexicon=np.array(self.lexicon, dtype=np.str_),
        )

    @classmethod
    def load(cls, path: str | Path) -> LinearTextModel:
        with np.load(Path(path), allow_pickle=False) as data:
            config = json.loads(str(data["config"]))
            if config.get("format") != FORMAT_VERSION:
                raise ValueError(f"unknown model format {config.get('format')!r} in {path}")
            threshold = config.get("threshold")
            return cls(
                name=str(config["name"]),
                classes=[str(c) for c in data["classes"].tolist()],
                features=FeatureConfig.from_dict(config["features"]),
                vocabulary=data["vocabulary"].tolist(),
                n_word=int(config["n_word"]),
                idf=data["idf"],
                coef=data["coef"],
                intercept=data["intercept"],
                threshold=None if threshold is None else float(threshold),
                lexicon=data["lexicon"].tolist(),
                meta=dict(config.get("meta") or {}),
            )

    # ---------------------------------------------------------------- inference

    def _ids(self, texts: Sequence[str]) -> tuple[IntArray, IntArray]:
        """(text index, feature id) of every feature occurrence in ``texts``."""
        return self._doc_ids(list(map(self._featuriser.grams, texts)))

    def _doc_ids(self, docs: Sequence[Doc]) -> tuple[IntArray, IntArray]:
        n = len(docs)
        wget = self._word_index.get
        ids: list[int] = []
        counts: list[int] = []
        for words, _ in docs:
            before = len(ids)
            ids.extend(map(wget, words, repeat(-1)))
            counts.append(len(ids) - before)
        word_ids = np.array(ids, dtype=np.intp)
        word_doc = np.repeat(np.arange(n, dtype=np.intp), counts)
        keep = word_ids >= 0
        lo, hi = self.features.char_ngrams
        if hi < 1 or len(self.vocabulary) == self.n_word or n == 0:
            return word_doc[keep], word_ids[keep]
        texts = [joined for _, joined in docs]
        hashes, starts = _window_hashes(texts, lo, hi)
        char_ids = self._table.lookup(hashes)
        found = np.flatnonzero(char_ids >= 0)
        sizes = np.fromiter(map(len, texts), dtype=np.intp, count=n) + 1
        char_doc = np.repeat(np.arange(n, dtype=np.intp), sizes)[starts[found]]
        doc = np.concatenate([word_doc[keep], char_doc])
        order = np.argsort(doc, kind="stable")  # by text: _scores sums contiguous rows
        return doc[order], np.concatenate([word_ids[keep], char_ids[found] + self.n_word])[order]

    def _values(self, doc: IntArray, ids: IntArray, n: int) -> FloatArray:
        """Multiplier of idf for each occurrence: block weight / block norm of its text.

        The norm of a block is sqrt(sum of idf² over its occurrences): the L2 norm of the
        TF-IDF vector when no n-gram repeats (words are counted once, so always for them).
        """
        is_word = ids < self.n_word
        sq = self._idf2[ids]
        word_norm = np.sqrt(np.bincount(doc[is_word], weights=sq[is_word], minlength=n))
        char_norm = np.sqrt(np.bincount(doc[~is_word], weights=sq[~is_word], minlength=n))
        word_scale = np.divide(
            self.features.word_weight, word_norm, out=np.zeros(n), where=word_norm > 0
        )
        char_scale = np.divide(
            self.features.char_weight, char_norm, out=np.zeros(n), where=char_norm > 0
        )
        scale: FloatArray = np.where(is_word, word_scale[doc], char_scale[doc])
        return scale

    def decision_function(self, texts: Sequence[str]) -> FloatArray:
        """Raw linear scores, (n, rows): one column for a binary model, else one per class."""
        return self._scores(*self._ids(texts), len(texts))

    def _scores(
        self, doc: IntArray, ids: IntArray, n: int, values: FloatArray | None = None
    ) -> FloatArray:
        """Linear scores of ``n`` texts; ``doc`` (the text of each occurrence) is sorted."""
        if values is None:
            values = self._values(doc, ids, n)
        contrib = np.take(self._weighted, ids, axis=0)  # twice as fast as indexing
        contrib *= values[:, None]
        scores = np.zeros((n, self._weighted.shape[1]), dtype=np.float64)
        counts = np.bincount(doc, minlength=n)
        present = counts > 0
        starts = np.cumsum(counts) - counts
        if contrib.size:
            scores[present] = np.add.reduceat(contrib, starts[present], axis=0)
        scores += self.intercept
        return scores

    def predict_proba(self, texts: Sequence[str]) -> FloatArray:
        """Class probabilities, (n, len(classes)), columns in the order of ``classes``."""
        texts = _as_texts(texts)
        return self._proba(self.decision_function(texts))

    def predict_proba_docs(self, docs: Sequence[Doc]) -> FloatArray:
        """:meth:`predict_proba` of texts already analysed by :func:`analyse`."""
        return self.read_docs(docs)[0]

    def read_docs(self, docs: Sequence[Doc]) -> tuple[FloatArray, list[Occurrences]]:
        """:meth:`predict_proba_docs`, and the features each text holds, for
        :meth:`top_features` to explain it without reading it again."""
        return self.read_occurrences(*self.occurrences(docs), len(docs))

    def occurrences(self, docs: Sequence[Doc]) -> tuple[IntArray, IntArray]:
        """(text index, feature id) of every feature occurrence in ``docs``, by text."""
        return self._doc_ids(docs)

    def read_occurrences(
        self, doc: IntArray, ids: IntArray, n: int
    ) -> tuple[FloatArray, list[Occurrences]]:
        """:meth:`read_docs` of ``n`` texts from their :meth:`occurrences`, which a model
        of the same :attr:`signature` may have found."""
        values = self._values(doc, ids, n)
        bounds = np.cumsum(np.bincount(doc, minlength=n))[:-1]
        features = list(zip(np.split(ids, bounds), np.split(values, bounds), strict=True))
        return self._proba(self._scores(doc, ids, n, values)), features

    def _proba(self, scores: FloatArray) -> FloatArray:
        if len(self.classes) == 2:
            pos = 1.0 / (1.0 + np.exp(-np.clip(scores[:, 0], -500, 500)))
            result: FloatArray = np.column_stack([1.0 - pos, pos])
            return result
        scores -= scores.max(axis=1, keepdims=True)
        np.exp(scores, out=scores)
        scores /= scores.sum(axis=1, keepdims=True)
        return scores

    def predict(self, texts: Sequence[str]) -> list[str]:
        proba = self.predict_proba(texts)
        if len(self.classes) == 2 and self.threshold is not None:
            return [
                self.classes[1] if p >= self.threshold else self.classes[0] for p in proba[:, 1]
            ]
        return [self.classes[i] for i in proba.argmax(axis=1).tolist()]

    def top_features(
        self,
        text: str,
        label: str,
        k: int = 5,
        occurrences: Occurrences | None = None,
        *,
        words_only: bool = False,
    ) -> list[tuple[str, float]]:
        """The n-grams of ``text`` that pushed it most towards ``label``, with their share.

        The strings are folded forms (lower case, no accents) as the model saw them; a
        character n-gram is shown without its padding spaces, and the lexicon pseudo-word is
        replaced by the lexicon entries that matched. ``occurrences``, when given, are the
        features of ``text`` that :meth:`read_docs` found, with their weights.
        ``words_only`` leaves out the character n-grams: what remains reads as words.
        """
        if label not in self.classes:
            raise ValueError(f"{label!r} is not one of {self.classes}")
        text = _as_texts([text])[0]
        if occurrences is None:
            found = self._ids([text])[1]
            occurrences = (found, self._values(np.zeros(len(found), dtype=np.intp), found, 1))
        features, weights = occurrences
        if words_only:  # a text holds each word gram once: no sum over repeats
            is_word = features < self.n_word
            ids, x = features[is_word], weights[is_word]
        else:
            ids, where = np.unique(features, return_inverse=True)
            x = np.bincount(where, weights=weights, minlength=len(ids)).astype(np.float64)
        x *= self.idf[ids].astype(np.float64)
        coef = self.coef[:, ids].astype(np.float64)
        label_index = self.classes.index(label)
        if len(self.classes) == 2:
            direction = coef[0] if label_index == 1 else -coef[0]
        else:
            direction = coef[label_index] - coef.mean(axis=0)
        contrib = x * direction
        order = np.argsort(-contrib, kind="stable")
        out: list[tuple[str, float]] = []
        seen: set[str] = set()
        for j in order.tolist():
            value = float(contrib[j])
            if value <= 0 or len(out) >= k:
                break
            gram = self.vocabulary[int(ids[j])]
            if gram in (LEXICON_TOKEN, LEXICON_TOKEN2):
                hits = self._featuriser.lexicon_hits(tokens(text, self.features.max_chars))
                gram = ", ".join(sorted(set(hits))) or gram
            shown = gram.strip()
            if shown and shown not in seen:
                seen.add(shown)
                out.append((shown, round(value, 4)))
        return out


def _as_texts(texts: Sequence[str]) -> list[str]:
    if isinstance(texts, str):
        raise TypeError("pass a sequence of texts, not one string")
    return [t if isinstance(t, str) else "" for t in texts]


# -------------------------------------------------------------------- training


def analyse(
    texts: Sequence[str], features: FeatureConfig, lexicon: Sequence[str] = ()
) -> list[Doc]:
    """Grams of each text, to featurise once and fit many times (cross-validation)."""
    featuriser = Featuriser(features, lexicon)
    return [featuriser.grams(t) for t in _as_texts(texts)]


def _vocabulary(docs: Sequence[Doc], features: FeatureConfig) -> tuple[list[str], int, FloatArray]:
    n = len(docs)
    word_df: Counter[str] = Counter()
    char_df: Counter[str] = Counter()
    lo, hi = features.char_ngrams
    for words, joined in docs:
        word_df.update(words)
        if hi >= 1:
            char_df.update(set(char_grams(joined, lo, hi)))
    special = (LEXICON_TOKEN, LEXICON_TOKEN2)
    min_df = features.min_df
    words_kept = sorted(g for g, c in word_df.items() if c >= min_df or g in special)
    chars_kept = sorted(g for g, c in char_df.items() if c >= min_df)
    df = np.array(
        [word_df[g] for g in words_kept] + [char_df[g] for g in chars_kept], dtype=np.float64
    )
    idf = np.log((1.0 + n) / (1.0 + df)) + 1.0
    return words_kept + chars_kept, len(words_kept), idf


def _matrix(model: LinearTextModel, docs: Sequence[Doc]) -> Any:
    """Sparse TF-IDF matrix of pre-analysed docs, exactly as inference computes it."""
    from scipy import sparse

    doc, ids = model._doc_ids(docs)
    values = model._values(doc, ids, len(docs)) * model.idf[ids].astype(np.float64)
    return sparse.csr_matrix(
        (values, (doc, ids)), shape=(len(docs), len(model.vocabulary)), dtype=np.float64
    )


def fit(
    docs: Sequence[Doc],
    labels: Sequence[str],
    config: TrainConfig,
    *,
    name: str = "model",
    lexicon: Sequence[str] = (),
    classes: Sequence[str] | None = None,
) -> LinearTextModel:
    """Fit on pre-analysed docs (see :func:`analyse`)."""
    from sklearn.linear_model import LogisticRegression

    if len(docs) != len(labels):
        raise ValueError("docs and labels differ in length")
    class_list = list(classes) if classes is not None else sorted(set(labels))
    if len(class_list) < 2:
        raise ValueError("training needs at least two classes")
    vocabulary, n_word, idf = _vocabulary(docs, config.features)
    rows = 1 if len(class_list) == 2 else len(class_list)
    shell = LinearTextModel(
        name=name,
        classes=class_list,
        features=config.features,
        vocabulary=vocabulary,
        n_word=n_word,
        idf=idf,
        coef=np.zeros((rows, len(vocabulary))),
        intercept=np.zeros(rows),
        lexicon=lexicon,
    )
    x = _matrix(shell, docs)
    y = np.array([class_list.index(label) for label in labels])
    ratio = np.ones(len(vocabulary))
    if config.nb and len(class_list) == 2:
        pos = np.asarray(x[y == 1].sum(axis=0)).ravel() + 1.0
        neg = np.asarray(x[y == 0].sum(axis=0)).ravel() + 1.0
        ratio = np.log((pos / pos.sum()) / (neg / neg.sum()))
        x = x.multiply(ratio).tocsr()
    clf = LogisticRegression(
        C=config.C,
        class_weight=config.class_weight,
        max_iter=config.max_iter,
        solver="lbfgs",
        random_state=0,
    )
    clf.fit(x, y)
    coef = np.asarray(clf.coef_, dtype=np.float64) * ratio
    return LinearTextModel(
        name=name,
        classes=class_list,
        features=config.features,
        vocabulary=vocabulary,
        n_word=n_word,
        idf=idf.astype(np.float32),
        coef=coef,
        intercept=np.asarray(clf.intercept_, dtype=np.float64),
        lexicon=lexicon,
        meta={"train": _config_dict(config), "n_train": len(docs)},
    )


def _config_dict(config: TrainConfig) -> dict[str, Any]:
    data = asdict(config)
    data["features"] = asdict(config.features)
    return data


def train(
    texts: Sequence[str],
    labels: Sequence[str],
    config: TrainConfig,
    *,
    name: str = "model",
    lexicon: Sequence[str] = (),
    classes: Sequence[str] | None = None,
) -> LinearTextModel:
    """Train a :class:`LinearTextModel` on labelled texts (needs scikit-learn)."""
    folded = fold_lexicon(lexicon) if config.features.lexicon else []
    docs = analyse(texts, config.features, folded)
    return fit(docs, labels, config, name=name, lexicon=folded, classes=classes)


def best_threshold(proba: Sequence[float], truth: Sequence[bool]) -> tuple[float, float]:
    """The decision threshold on the positive probability that maximises binary macro-F1."""
    p = np.asarray(proba, dtype=np.float64)
    t = np.asarray(truth, dtype=bool)
    best = (0.5, -1.0)
    for cut in np.round(np.arange(0.2, 0.8001, 0.01), 2).tolist():
        score = macro_f1_binary(p >= cut, t)
        if score > best[1] + 1e-12:
            best = (float(cut), score)
    return best


def macro_f1_binary(pred: npt.NDArray[np.bool_], truth: npt.NDArray[np.bool_]) -> float:
    scores = []
    for positive in (True, False):
        tp = float(np.sum((pred == positive) & (truth == positive)))
        fp = float(np.sum((pred == positive) & (truth != positive)))
        fn = float(np.sum((pred != positive) & (truth == positive)))
        scores.append(0.0 if tp == 0 else 2 * tp / (2 * tp + fp + fn))
    return sum(scores) / 2


def with_threshold(model: LinearTextModel, threshold: float | None) -> LinearTextModel:
    """The same model with another binary decision threshold."""
    if threshold is not None and not math.isfinite(threshold):
        raise ValueError("threshold must be finite")
    model.threshold = threshold
    return model


__all__ = [
    "FeatureConfig",
    "LinearTextModel",
    "TrainConfig",
    "analyse",
    "best_threshold",
    "fit",
    "fold_lexicon",
    "replace",
    "train",
]
