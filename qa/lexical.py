"""BM25 over chunk texts with bm25s; terms are lower-cased, stop-worded, Snowball-stemmed."""

from __future__ import annotations

import logging
import math
import re
import threading
from collections.abc import Callable, Sequence
from functools import cached_property, lru_cache
from pathlib import Path

import numpy as np

from qa.profile import Profile

# The general lay lexicon (qa/lay_lexicon.toml) and a collection's own (its profile's lexicon and
# drug brand names: "herceptin" -> "trastuzumab herceptin"), in that order: the profile's first.
GENERAL_LEXICON = Path(__file__).with_name("lay_lexicon.toml")
_PLAIN_WORD = re.compile(r"\w+")


class Lexicon:
    """Lay phrases -> the documents' words. Applied to the question's lexical terms only (the
    embedding model reads them in brackets, qa.answering.encoder_query); a lexicon, not a rule
    per question.

    All phrases are scanned in one pattern, so that a question is read once rather than once
    per phrase (this runs for every question and for every unusual word in it); at a position
    the first phrase listed wins, as it would applied one after the other. Every phrase starts
    at a word boundary; testing that once, outside the alternatives, keeps them from being tried
    at every character (half the scan's time). Brand names of one plain word (hundreds of them,
    qa/drug_brands.toml) are looked up in a dict by the pattern's last alternative, any word,
    rather than scanned as alternatives (that made each scan 16 times slower).
    """

    def __init__(
        self, entries: Sequence[tuple[str, str]], brands: Sequence[tuple[str, str]] = ()
    ) -> None:
        self.brands = tuple(brands)
        self._brand_words: dict[str, str] = {}
        phrases = []
        for brand, generic in brands:
            if _PLAIN_WORD.fullmatch(brand):
                self._brand_words.setdefault(brand, f"{generic} {brand}")
            else:
                phrases.append((rf"\b{re.escape(brand)}\b", f"{generic} {brand}"))
        self.entries = (*entries, *phrases)
        assert all(pattern.startswith(r"\b") for pattern, _ in self.entries)
        # (?!) matches nothing: a lexicon with no phrases.
        alternatives = (
            "|".join(f"(?P<lay{i}>{p[2:]})" for i, (p, _) in enumerate(self.entries)) or "(?!)"
        )
        self._phrase = re.compile(rf"\b(?=\w)(?:{alternatives})", re.IGNORECASE)
        self._any = re.compile(rf"\b(?=\w)(?:{alternatives}|(?P<word>\w+))", re.IGNORECASE)

    @classmethod
    def of(cls, profile: Profile | None = None) -> Lexicon:
        """The profile's lexicon and brand names before the general lexicon."""
        general = _general_entries()
        if profile is None:
            return cls(general)
        return cls((*profile.lexicon, *general), profile.brands)

    def sub(self, text: str, replace: Callable[[re.Match[str], str], str]) -> str:
        """`text` with each lay phrase replaced by `replace(match, the documents' words)`."""

        def one(m: re.Match[str]) -> str:
            assert m.lastgroup is not None  # every alternative is a named group
            if m.lastgroup == "word":
                brand = self._brand_words.get(m.group(0).lower())
                return m.group(0) if brand is None else replace(m, brand)
            return replace(m, self.entries[int(m.lastgroup.removeprefix("lay"))][1])

        return self._any.sub(one, text)

    def expand(self, text: str) -> str:
        """The question with lay phrases replaced by the documents' words, for lexical matching."""
        return self.sub(text, lambda _m, clinical: clinical)

    def is_lay_word(self, word: str) -> bool:
        """Whether `word` alone is a lay phrase this lexicon maps to the documents' words."""
        return word.lower() in self._brand_words or self._phrase.fullmatch(word) is not None

    @cached_property
    def brand_words(self) -> frozenset[str]:
        """The drug brand names of one plain word ("herceptin")."""
        return frozenset(self._brand_words)

    @cached_property
    def lay_words(self) -> frozenset[str]:
        """The single words among the lay phrases ("chemo", "mets", "herceptin"), spelled out."""
        return frozenset(
            w
            for pattern, _ in self.entries
            for w in re.findall(r"[a-z]+", pattern.replace(r"\b", " "))
            if self.is_lay_word(w)
        ) | frozenset(self._brand_words)


@lru_cache(maxsize=1)
def _general_entries() -> tuple[tuple[str, str], ...]:
    from qa.profile import lexicon_entries

    return lexicon_entries(GENERAL_LEXICON)


# Words that frame a question rather than say what it is about ("what does … actually mean",
# "my nurse keeps saying …"): NLTK's English stopwords (as bm25s ships them) and chat filler.
# BM25 keeps them, as its idf makes them weightless; the share of the question a sentence covers
# must not count them, or a chatty question looks unanswered.
_FRAME_WORDS = (
    "mean means meaning actually really exactly know want wondering wonder tell explain say said "
    "saying keep keeps kind thing things anything something ok okay please thanks"
)


# British spellings -> American ones, as the start of a word: the bundled documents say both
# "tumour" (Canadian Cancer Society) and "tumor", and so do patients. Applied to every text the
# lexical side splits, documents and questions alike.
_BRITISH_TO_AMERICAN = {
    "tumour": "tumor",
    "colour": "color",
    "behaviour": "behavior",
    "labour": "labor",
    "favour": "favor",
    "centre": "center",
    "fibre": "fiber",
    "litre": "liter",
    "programme": "program",
    "haem": "hem",
    "anaem": "anem",
    "leukaem": "leukem",
    "ischaem": "ischem",
    "oedem": "edem",
    "oesophag": "esophag",
    "diarrhoea": "diarrhea",
    "paediatr": "pediatr",
    "orthopaed": "orthoped",
    "gynaecolog": "gynecolog",
    "anaesth": "anesth",
    "foet": "fet",
}
_BRITISH = re.compile(r"\b(?:" + "|".join(_BRITISH_TO_AMERICAN) + ")")


# British "-ise"/"-isation" endings ("radioembolisation", "minimise"): any word in "-isation",
# and the "-ise" forms of these stems. Not "-ise" in general: "promise", "exercise" and
# "otherwise" have no "-ize" spelling.
_BRITISH_ISE = re.compile(
    r"\b(\w+)isation(s?)\b|\b(minim|organ|special|personal|recogn|priorit|optim|stabil|hospital"
    r"|immun|util|visual|local|random|metastas|radioembol|emphas|summar|categor)is(e|es|ed|ing)\b"
)


def _ize(m: re.Match[str]) -> str:
    if m.group(1) is not None:
        return f"{m.group(1)}ization{m.group(2)}"
    return f"{m.group(3)}iz{m.group(4)}"


def american_spelling(text: str) -> str:
    """Lower-case `text` with British spellings replaced ("tumours" -> "tumors",
    "radioembolisation" -> "radioembolization")."""
    text = _BRITISH.sub(lambda m: _BRITISH_TO_AMERICAN[m.group(0)], text.lower())
    return _BRITISH_ISE.sub(_ize, text)


# bm25s.tokenize's default token pattern (scikit-learn's CountVectorizer).
_TOKEN = re.compile(r"(?u)\b\w\w+\b")

class Terms:
    """Text -> stemmed terms, the same way at index and at question time.

    Results are remembered per text: answering splits the same corpus sentences again and
    again, and bm25s.tokenize costs about a millisecond per call however short the text.
    """

    def __init__(self, lexicon: Lexicon | None = None, memo_size: int = 50_000) -> None:
        import Stemmer
        from bm25s.stopwords import STOPWORDS_EN

        self.lexicon = lexicon or Lexicon.of()
        self._stemmer = Stemmer.Stemmer("english")
        self._stopwords = frozenset(STOPWORDS_EN)
        # PyStemmer objects are not thread-safe; the chat serves several users at once.
        self._lock = threading.Lock()
        self._memo: dict[str, tuple[str, ...]] = {}
        self._memo_size = memo_size

    def __call__(self, text: str) -> list[str]:
        return self.many([text])[0]

    def query(self, question: str) -> list[str]:
        return self(self.lexicon.expand(question))

    @cached_property
    def frame_terms(self) -> frozenset[str]:
        """The stemmed terms of words that frame a question (_FRAME_WORDS)."""
        from bm25s.stopwords import STOPWORDS_EN_PLUS

        words = [*STOPWORDS_EN_PLUS, *_FRAME_WORDS.split()]
        return frozenset(t for terms in self.many(words) for t in terms)

    def many(self, texts: Sequence[str]) -> list[list[str]]:
        with self._lock:
            missing = list(dict.fromkeys(t for t in texts if t not in self._memo))
            fresh = dict(zip(missing, self._tokenize(missing), strict=True)) if missing else {}
            out = [list(fresh[t] if t in fresh else self._memo[t]) for t in texts]
            if len(fresh) <= self._memo_size:  # not an index build's one huge call
                if len(self._memo) + len(fresh) > self._memo_size:
                    self._memo.clear()  # a bound on memory; the next questions refill it
                self._memo.update(fresh)
            return out

    def _tokenize(self, texts: list[str]) -> list[tuple[str, ...]]:
        """bm25s.tokenize's terms (lower-cased words of two or more characters, its English
        stop words dropped, stemmed), without its per-call set-up, which cost about a
        millisecond per question (tests/test_lexical.py checks that the two agree), and with
        American spellings."""
        stem = self._stemmer.stemWords
        return [
            tuple(
                stem(
                    [w for w in _TOKEN.findall(american_spelling(text)) if w not in self._stopwords]
                )
            )
            for text in texts
        ]


class LexicalIndex:
    """A BM25 index of texts (chunks, or sentences) plus each term's inverse document
    frequency."""

    def __init__(self, retriever: object, n_docs: int, doc_freq: dict[str, int]) -> None:
        self._retriever = retriever
        self._n = n_docs
        self._df = doc_freq
        # Answer scoring asks for the idf of every question term once per candidate sentence.
        self._idf = {t: self._idf_of(df) for t, df in doc_freq.items()}

    @classmethod
    def build(cls, chunk_terms: Sequence[list[str]]) -> LexicalIndex:
        import bm25s

        # bm25s logs every build at DEBUG through its own handler; keep the terminal quiet.
        logging.getLogger("bm25s").setLevel(logging.WARNING)
        retriever = bm25s.BM25()
        # bm25s rejects an empty vocabulary; a placeholder term keeps an all-stopword corpus valid.
        retriever.index([t or ["\x00"] for t in chunk_terms], show_progress=False)
        df: dict[str, int] = {}
        for terms in chunk_terms:
            for term in set(terms):
                df[term] = df.get(term, 0) + 1
        return cls(retriever, len(chunk_terms), df)

    def save(self, folder: Path) -> None:
        import json

        self._retriever.save(str(folder), show_progress=False)  # type: ignore[attr-defined]
        (folder / "doc_freq.json").write_text(
            json.dumps({"n": self._n, "df": self._df}, sort_keys=True), encoding="utf-8"
        )

    @classmethod
    def load(cls, folder: Path) -> LexicalIndex:
        import json

        import bm25s

        retriever = bm25s.BM25.load(str(folder), show_progress=False, verbosity=0)
        stats = json.loads((folder / "doc_freq.json").read_text(encoding="utf-8"))
        return cls(retriever, int(stats["n"]), {str(k): int(v) for k, v in stats["df"].items()})

    @property
    def size(self) -> int:
        """How many texts (chunks or sentences) the index holds."""
        return self._n

    def known(self, terms: Sequence[str]) -> list[str]:
        return [t for t in terms if t in self._df]

    def idf(self, term: str) -> float:
        """BM25's idf, log(1 + (N - df + 0.5) / (df + 0.5)); unseen terms get the maximum."""
        idf = self._idf.get(term)
        return self._idf_of(0) if idf is None else idf

    def _idf_of(self, df: int) -> float:
        return math.log(1 + (self._n - df + 0.5) / (df + 0.5))

    def search(self, terms: Sequence[str], k: int) -> list[tuple[int, float]]:
        """Top-`k` (row, BM25 score) with a positive score, best first."""
        known = self.known(terms)
        if not known:
            return []
        scores = np.asarray(self._retriever.get_scores(known))  # type: ignore[attr-defined]
        k = min(k, len(scores))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(int(i), float(scores[i])) for i in top if scores[i] > 0]
