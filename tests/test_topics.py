"""Everyday-life topics: which a question names, and when the chosen sentences miss one."""

import pytest

from qa.answering.answer_type import unanswered_part
from qa.answering.topics import Topics, topics_for
from tests.conftest import BUNDLED_PROFILE

# The general topics with the bundled documents' own (their profile's [[topic]] entries).
TOPICS = topics_for(BUNDLED_PROFILE.topic_words)
named_topics = TOPICS.named
missing_topic = TOPICS.missing

CHEMO = ["Chemotherapy is usually given for 6 months.", "Side effects include nausea."]


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("what foods should I avoid during chemo?", "food and drink"),
        ("is a glass of wine ok on FOLFOX?", "food and drink"),
        ("can I take turmeric with chemo?", "supplements"),
        ("is it safe to work out at the gym?", "exercise"),
        ("can we have sex during chemoradiation?", "sex"),
        ("will I still be able to have kids after radiation?", "fertility"),
        ("when can I drive after surgery?", "driving"),
        ("is it ok to fly abroad on chemo?", "travel"),
        ("when does hair grow back?", "hair"),
        ("when can I go back to work?", "work"),
        ("should my kids have colonoscopies early?", "family screening"),
        ("should I get a second opinion?", "a second opinion"),
        ("what's the survival rate for anal cancer that came back?", "survival"),
        ("how long do people live with stage 4?", "survival"),
        ("which one makes you live longer?", "survival"),
        ("how much extra time does it give?", "survival"),
        ("what are the success rates for liver surgery?", "survival"),
        ("how long will he be in hospital after the operation?", "recovery"),
        ("is proton beam therapy an option for me?", "proton therapy"),
        ("could they do SBRT on the lung spots?", "stereotactic radiation"),
        ("whats radioembolisation?", "radioembolization"),
        ("can he have a liver transplant?", "a transplant"),
        ("how do I deal with the anxiety before every scan?", "feelings"),
        ("can I still walk the dog during chemo?", "pets"),
        ("is it ok to see the dentist while on FOLFOX?", "teeth"),
    ],
)
def test_a_question_names_its_topic(question, topic):
    assert named_topics(question) == [topic]


@pytest.mark.parametrize(
    "question",
    [
        "what drugs are used for stage 4 rectal cancer?",
        "my kids want to know if stage 4 can be cured",  # kids, but not having kids
        "what is the driver mutation KRAS?",  # a driver, not driving
        "how do they work out whether the chemo is working?",  # to find out, not to exercise
        "how long is chemotherapy given?",
        "how often do I need a CAT scan?",  # a CT scan, not a pet
    ],
)
def test_treatment_questions_name_no_topic(question):
    assert named_topics(question) == []


def test_a_topic_is_missing_only_when_no_sentence_speaks_of_it():
    assert missing_topic("what should I eat?", CHEMO) == "food and drink"
    assert missing_topic("what should I eat?", [*CHEMO, "Eat small meals often."]) is None
    assert missing_topic("what drugs are used?", CHEMO) is None


def test_a_named_treatment_is_spoken_of_only_by_naming_it():
    radiation = ["External beam radiation therapy may be used for unresectable rectal cancer."]
    assert missing_topic("is proton therapy an option?", radiation) == "proton therapy"
    beads = ["This strategy uses radioactive microspheres (small spheres)."]
    assert missing_topic("how does radioembolization work?", beads) is None


def test_a_reply_may_speak_of_survival_in_its_own_words():
    question = "what is the prognosis for stage 4 rectal cancer?"
    assert missing_topic(question, CHEMO) == "survival"
    assert missing_topic(question, ["For a small number of patients, cure is possible."]) is None
    assert missing_topic(question, ["Most people live about a year without treatment."]) is None


def test_every_asking_part_must_name_a_missing_topic():
    # The first part asks about side effects, answered without a word about hair.
    assert unanswered_part("what side effects should I expect? will my hair fall out?", CHEMO) == ""
    # Both parts ask about food: the reply answers neither.
    assert "food and drink" in unanswered_part(
        "what should I eat on chemo? are there foods that help?", CHEMO
    )


def test_a_topic_named_only_in_the_story_does_not_count():
    # "can't eat" tells the situation; the question asks about stopping treatment.
    assert unanswered_part("My dad can't eat much. Should he stop chemo?", CHEMO) == ""
    assert "fertility" in unanswered_part(
        "im 34 and they want radiation. will that mean i cant have kids later?", CHEMO
    )


def test_a_question_typed_without_its_apostrophe_still_has_an_asking_part():
    # "whats …?" asks; "he can't eat much" tells the situation.
    assert unanswered_part("whats the plan after chemo? he can't eat much", CHEMO) == ""


def test_a_profile_adds_topics_and_words_to_the_general_ones():
    general = topics_for()
    assert general.named("is HIPEC an option?") == []
    assert TOPICS.named("is HIPEC an option?") == ["HIPEC"]
    assert general.named("will I need a colonoscopy?") == []
    assert TOPICS.named("will I need a colonoscopy?") == ["family screening"]
    own = Topics([("gardening", "garden\\w*", "soil")])
    assert own.missing("can I do gardening?", ["Wash your hands after touching soil."]) is None
