"""BM25 over chunk texts with bm25s; terms are lower-cased, stop-worded, Snowball-stemmed."""

from __future__ import annotations

import logging
import math
import re
import threading
from collections.abc import Callable, Sequence
from functools import cached_property
from pathlib import Path

import numpy as np

# Brand names of drugs used for colorectal and anal cancer -> their generic names, which the
# documents use. Also spelled out for the encoder (qa.acronyms.spell_out), which does not know
# that Avastin is bevacizumab.
DRUG_BRANDS = (
    ("avastin", "bevacizumab"),
    ("mvasi", "bevacizumab"),
    ("zirabev", "bevacizumab"),
    ("erbitux", "cetuximab"),
    ("vectibix", "panitumumab"),
    ("xeloda", "capecitabine"),
    ("lonsurf", "trifluridine tipiracil"),
    ("stivarga", "regorafenib"),
    ("eloxatin", "oxaliplatin"),
    ("camptosar", "irinotecan"),
    ("adrucil", "fluorouracil"),
    ("5-fu", "fluorouracil"),
    ("5fu", "fluorouracil"),
    ("zaltrap", "aflibercept"),
    ("cyramza", "ramucirumab"),
    ("keytruda", "pembrolizumab"),
    ("opdivo", "nivolumab"),
    ("yervoy", "ipilimumab"),
    ("jemperli", "dostarlimab"),
    ("zynyz", "retifanlimab"),
    ("braftovi", "encorafenib"),
    ("fruzaqla", "fruquintinib"),
    ("mutamycin", "mitomycin"),
    ("paraplatin", "carboplatin"),
    ("taxol", "paclitaxel"),
    ("platinol", "cisplatin"),
    ("fusilev", "levoleucovorin leucovorin"),
)

# Lay words patients type -> the words the documents use. Applied to the question's lexical
# terms only (the embedding model already knows "chemo"); a general lexicon, not per-question.
LAY_TERMS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), clinical)
    for pattern, clinical in (
        (r"\bchemo-?radiation\b|\bchemo-?radiotherapy\b", "chemoradiation chemoradiotherapy"),
        (r"\bchemo\b", "chemotherapy"),
        (r"\bradiation\b", "radiation radiotherapy"),
        (r"\bradiotherapy\b", "radiotherapy radiation"),
        (r"\bmets\b", "metastases"),
        (r"\b(came|come|comes|coming) back\b", "recurrent recurrence"),
        (r"\breturned\b", "recurrent recurrence"),
        (r"\bstage (iv|four)\b", "stage 4 stage IV"),
        (r"\b(bowel|colon) cancer\b", "colorectal cancer"),
        (r"\b(poo|poop|stool)\b", "stool bowel"),
        (r"\b(bag|pouch)\b", "colostomy stoma"),
        (r"\bop(eration)?\b", "surgery"),
        (r"\b(inoperable|can'?t be removed|cannot be removed)\b", "unresectable"),
        (r"\b(operable|can be removed)\b", "resectable"),
        (r"\b(trial|study|studies)\b", "clinical trial"),
        (r"\b(tablet|pill)s?\b", "capecitabine oral"),
        (r"\bimmune therapy\b", "immunotherapy"),
        (r"\b(survival|live|life expectancy|prognosis)\b", "survival prognosis"),
        (r"\b(tummy|belly)\b", "abdomen abdominal"),
        (
            r"\b(put|putting|hold|holding) (it |them |surgery )?off\b|\bpostpone[sd]?\b",
            "delay delayed",
        ),
        (r"\bfreez(e|es|ing)\b|\bfroze(n)?\b", "cryotherapy cold"),
        (r"\b(5|five) ?(by|x) ?(5|five)\b", "5×5 Gy short-course radiotherapy"),
        # chat shorthand
        (r"\byrs?\b", "years"),
        (r"\bmos\b", "months"),
        (r"\bwks?\b", "weeks"),
        (r"\bhrs?\b", "hours"),
        (r"\bmeds\b", "medications drugs"),
        (r"\btx\b", "treatment"),
        (r"\bmdts?\b|\btumou?r boards?\b", "multidisciplinary team"),
        (r"\bdx\b", "diagnosis diagnosed"),
        *((rf"\b{re.escape(brand)}\b", f"{generic} {brand}") for brand, generic in DRUG_BRANDS),
    )
)


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

# All lay phrases in one pattern, so that a question is scanned once rather than once per
# phrase (this runs for every question and for every unusual word in it). At a position the
# first phrase listed wins, as it would applied one after the other.
# Every phrase starts at a word boundary with a letter or digit; testing that once, outside the
# alternatives, keeps them from being tried at every character or at every word's end (half the
# scan's time).
assert all(pattern.pattern.startswith(r"\b") for pattern, _ in LAY_TERMS)
_ANY_LAY_TERM = re.compile(
    r"\b(?=\w)(?:"
    + "|".join(f"(?P<lay{i}>{pattern.pattern[2:]})" for i, (pattern, _) in enumerate(LAY_TERMS))
    + ")",
    re.IGNORECASE,
)


def sub_lay_terms(text: str, replace: Callable[[re.Match[str], str], str]) -> str:
    """`text` with each lay phrase replaced by `replace(match, the documents' words)`."""

    def one(m: re.Match[str]) -> str:
        assert m.lastgroup is not None  # every alternative is a named group
        return replace(m, LAY_TERMS[int(m.lastgroup.removeprefix("lay"))][1])

    return _ANY_LAY_TERM.sub(one, text)


def is_lay_word(word: str) -> bool:
    """Whether `word` alone is a lay phrase the lexical step maps to the documents' words."""
    return _ANY_LAY_TERM.fullmatch(word) is not None


# The single words among the lay phrases ("chemo", "mets", "avastin"), spelled out.
LAY_WORDS = frozenset(
    w
    for pattern, _ in LAY_TERMS
    for w in re.findall(r"[a-z]+", pattern.pattern.replace(r"\b", " "))
    if is_lay_word(w)
)


def expand_lay_terms(text: str) -> str:
    """The question with lay phrases replaced by the documents' words, for lexical matching."""
    return sub_lay_terms(text, lambda _m, clinical: clinical)


class Terms:
    """Text -> stemmed terms, the same way at index and at question time.

    Results are remembered per text: answering splits the same corpus sentences again and
    again, and bm25s.tokenize costs about a millisecond per call however short the text.
    """

    def __init__(self, memo_size: int = 50_000) -> None:
        import Stemmer
        from bm25s.stopwords import STOPWORDS_EN

        self._stemmer = Stemmer.Stemmer("english")
        self._stopwords = frozenset(STOPWORDS_EN)
        # PyStemmer objects are not thread-safe; the chat serves several users at once.
        self._lock = threading.Lock()
        self._memo: dict[str, tuple[str, ...]] = {}
        self._memo_size = memo_size

    def __call__(self, text: str) -> list[str]:
        return self.many([text])[0]

    def query(self, question: str) -> list[str]:
        return self(expand_lay_terms(question))

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
