"""Terms: remembered results are the same as fresh ones, and the memory stays bounded."""

from __future__ import annotations

from qa.lexical import Terms, american_spelling
from tests.conftest import BUNDLED_LEXICON

TEXTS = [
    "Chemotherapy uses drugs to destroy cancer cells.",
    "FOLFIRI is used most often for stage 4 rectal cancer.",
    "Chemotherapy uses drugs to destroy cancer cells.",
    "",
]


def test_remembered_terms_equal_fresh_ones():
    fresh = [Terms(memo_size=0).many([t])[0] for t in TEXTS]
    terms = Terms()
    assert terms.many(TEXTS) == fresh
    assert terms.many(list(reversed(TEXTS))) == list(reversed(fresh))
    assert terms(TEXTS[1]) == fresh[1] and "folfiri" in fresh[1]
    first = terms.many(TEXTS)[0]
    first.append("changed")  # callers get their own lists
    assert terms.many(TEXTS)[0] == fresh[0]


def test_memo_is_bounded():
    terms = Terms(memo_size=2)
    assert terms.many(TEXTS[:2]) and len(terms._memo) == 2
    terms.many(["Radiation relieves pain."])
    assert len(terms._memo) <= 2
    terms.many([f"text number {i}" for i in range(5)])  # more than fits: not remembered
    assert len(terms._memo) <= 2


def test_idf_is_bm25s_formula_for_known_and_unseen_terms():
    import math

    from qa.lexical import LexicalIndex

    index = LexicalIndex.build([["chemo", "liver"], ["chemo"], ["radiat"]])
    assert index.idf("chemo") == math.log(1 + (3 - 2 + 0.5) / (2 + 0.5))
    assert index.idf("unseen") == math.log(1 + (3 + 0.5) / 0.5) > index.idf("liver")


def test_drug_brand_names_also_search_for_the_generic_name():
    expand_lay_terms = BUNDLED_LEXICON.expand

    assert "bevacizumab" in expand_lay_terms("how long off Avastin before surgery?")
    assert "fluorouracil" in expand_lay_terms("side effects of 5-FU")
    assert "fluorouracil" in expand_lay_terms("5FU pump")
    assert expand_lay_terms("the taxonomy") == "the taxonomy"  # whole words only


def test_brands_of_one_word_and_of_several_are_found_as_whole_words_in_any_case():
    from qa.answering.drugs import DrugNames
    from qa.lexical import Lexicon

    brands = (("zorvex", "zorvimab"), ("zo-rel", "zorelin"), ("mst continus", "morphine"))
    lexicon = Lexicon((("\\bchemo\\b", "chemotherapy"),), brands)
    assert lexicon.expand("ZORVEX? zo-rel, MST Continus") == (
        "zorvimab zorvex? zorelin zo-rel, morphine mst continus"
    )
    assert lexicon.expand("zorvexes and chemo") == "zorvexes and chemotherapy"
    assert lexicon.is_lay_word("Zorvex") and lexicon.is_lay_word("chemo")
    assert not lexicon.is_lay_word("zorvexes")
    assert {"zorvex", "chemo"} <= lexicon.lay_words
    assert DrugNames(brands).named("Zorvex or zo-rel or mst continus?") == {
        "zorvex",
        "zo-rel",
        "mst continus",
    }
    assert Lexicon(()).expand("chemo") == "chemo"  # no phrases: nothing matches


def test_the_team_s_short_names_search_for_the_documents_words():
    expand_lay_terms = BUNDLED_LEXICON.expand

    for typed in ("the MDT letter says", "what did the tumor board decide"):
        assert "multidisciplinary team" in expand_lay_terms(typed)


def test_chemoradiation_and_chemoradiotherapy_are_one_search():
    # The documents say both; a lay "chemo-radiation" is the same treatment, not "chemo".
    terms = Terms()
    for typed in ("chemoradiation", "chemo-radiation", "chemoradiotherapy"):
        assert {"chemoradi", "chemoradiotherapi"} <= set(terms.query(f"why not {typed}?"))
    assert "chemotherapi" in terms.query("is chemo given first?")


def test_term_coverage_counts_the_question_s_content_words_only():
    from qa.answering.candidates import TermCoverage
    from qa.lexical import LexicalIndex

    terms = Terms()
    index = LexicalIndex.build(terms.many(["Supportive care manages side effects.", "Surgery."]))
    question = terms.query("what does supportive care actually mean?")
    assert {"support", "care"} <= set(question) and terms.frame_terms & set(question)
    sentence = terms("Supportive care manages side effects.")
    assert TermCoverage.of(question, index, terms.frame_terms)(sentence) == 1.0
    assert TermCoverage.of(question, index)(sentence) < 0.5
    # A question of frame words only still has something to cover.
    only_frame = terms.query("what does it actually mean?")
    assert TermCoverage.of(only_frame, index, terms.frame_terms).total > 0


def test_british_and_american_spellings_are_the_same_terms():
    terms = Terms()
    assert terms("Tumours in the oesophagus") == terms("tumors in the esophagus")
    assert terms("haemorrhage, diarrhoea, centre") == terms("hemorrhage, diarrhea, center")
    assert terms("humour") != terms("humor")  # only the listed spellings
    assert terms("radioembolisation minimised, hospitalise") == terms(
        "radioembolization minimized, hospitalize"
    )
    # "-ise" words with no "-ize" spelling, and "-ist"/"-is" words of the listed stems, stay.
    unchanged = "promise exercise otherwise specialist metastasis"
    assert american_spelling(unchanged) == unchanged


def test_terms_equal_bm25s_tokenize():
    # The index and the questions must be split the same way bm25s would split them (the texts
    # here have no British spellings, which Terms also makes American).
    import bm25s
    import Stemmer

    texts = [
        *TEXTS,
        "Ünïcödé ÇAFÉ résumé, NAÏVE ﬁle",
        "5-FU 5×5 Gy for 11–18 days; don't can't it's",
        "I a x1 y2 — the THE The",
        "Bevacizumab (Avastin) is given every 2 weeks.",
    ]
    expected = bm25s.tokenize(
        texts,
        stopwords="en",
        stemmer=Stemmer.Stemmer("english"),
        return_ids=False,
        show_progress=False,
    )
    assert Terms(memo_size=0).many(texts) == [list(t) for t in expected]
