"""Abbreviation definitions found in the documents, and spelled out in questions."""

from __future__ import annotations

from qa.acronyms import Abbreviations, best_long_form, definitions, spell_out
from qa.lexical import Terms
from tests.conftest import BUNDLED_PROFILE

TEXT = (
    "An intensive procedure called hyperthermic intraperitoneal chemoperfusion (HIPEC) combines "
    "surgery with heated chemotherapy. Hepatic artery infusion (HAI) involves a pump. "
    "Radiofrequency ablation (RFA) may be used. The drug 5-fluorouracil (5-FU) is common. "
    "Bevacizumab (Avastin) is a targeted therapy. This helps all of us (US). "
    "The tumour was treated (RT) before."
)


def test_definitions_follow_schwartz_and_hearst():
    found = definitions([TEXT])
    assert found["hipec"] == "hyperthermic intraperitoneal chemoperfusion"
    assert found["hai"] == "Hepatic artery infusion"
    assert found["rfa"] == "Radiofrequency ablation"
    assert found["5-fu"] == "5-fluorouracil"


def test_brand_names_lowercase_words_and_unmatched_letters_are_not_abbreviations():
    found = definitions([TEXT])
    assert "avastin" not in found  # one capital: a name, not an abbreviation
    assert "us" not in found  # the documents also use "us" as a word
    assert "rt" not in found  # no words whose letters spell it


def test_best_long_form_needs_the_first_letter_at_a_word_start():
    assert best_long_form("HAI", "involves Hepatic artery infusion") == "Hepatic artery infusion"
    assert best_long_form("XYZ", "nothing matches here") is None


def test_the_first_definition_wins_across_documents():
    found = definitions(["Radiofrequency ablation (RFA) a.", "Rapid fire assault (RFA) b."])
    assert found["rfa"] == "Radiofrequency ablation"


def test_spell_out_replaces_whole_words_in_any_case():
    found = definitions([TEXT])
    assert spell_out("what is hipec?", found) == (
        "what is hipec (hyperthermic intraperitoneal chemoperfusion)?"
    )
    assert spell_out("Is HAI painful", found) == "Is HAI (Hepatic artery infusion) painful"
    assert spell_out("hairline", found) == "hairline"  # inside a word: untouched


def test_spell_out_leaves_a_question_that_already_spells_it_out():
    found = definitions([TEXT])
    q = "is radiofrequency ablation (RFA) safe?"
    assert spell_out(q, found) == q
    assert spell_out("anything", {}) == "anything"


def test_drug_brands_are_spelled_out_with_the_generic_name():
    brands = dict(BUNDLED_PROFILE.brands)
    assert spell_out("is Avastin safe?", brands) == "is Avastin (bevacizumab) safe?"
    assert spell_out("avastin (bevacizumab) dose", brands) == "avastin (bevacizumab) dose"


def test_words_the_model_keeps_whole_are_not_spelled_out():
    found = {"iv": "intravenous", "hipec": "hyperthermic intraperitoneal chemoperfusion"}
    whole = {"iv", "stage"}.__contains__
    assert spell_out("stage iv and hipec", found, whole) == (
        "stage iv and hipec (hyperthermic intraperitoneal chemoperfusion)"
    )


def test_abbreviations_close_a_text_s_terms_both_ways():
    terms = Terms()
    defined = {"rfa": "Radiofrequency ablation", "hai": "hepatic artery infusion"}
    abbr = Abbreviations.of(defined, terms)
    # "the doctor gives the RFA through the skin" answers a question that spells it out …
    assert set(terms("radiofrequency ablation")) <= abbr.close(terms("gives the RFA"))
    # … and a sentence that spells it out answers one that says "RFA".
    assert "rfa" in abbr.close(terms("Radiofrequency ablation destroys tumours"))
    # Half a long form is not the abbreviation.
    assert "hai" not in abbr.close(terms("the hepatic artery"))
    assert abbr.close(["liver"]) == {"liver"}


def test_abbreviations_touching_a_question_keep_only_its_own():
    terms = Terms()
    defined = {"rfa": "Radiofrequency ablation", "hai": "hepatic artery infusion"}
    abbr = Abbreviations.of(defined, terms).touching(terms("how is radiofrequency ablation done"))
    assert "rfa" in abbr.close(terms("Radiofrequency ablation destroys tumours"))
    assert "hai" not in abbr.close(terms("hepatic artery infusion"))
    assert Abbreviations().close(["x"]) == {"x"}
