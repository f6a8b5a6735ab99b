"""Topics a question may be about, and whether a text speaks of one.

Patients ask about food, exercise, sex, fertility, driving, travel, hair loss or their feelings
as often as about treatment, and documents about treatment seldom cover them; they ask about
survival in situations the documents give no figure for, and about treatments by a name the
documents never use. The model relates "what should I eat during
chemo?" closely to sentences about chemotherapy, and those sentences score above the
abstention threshold though they say nothing about food. A question about one of
these topics is answered only by a sentence that speaks of it (`missing_topic`): the check
reads the chosen sentences, not a list of what the documents cover, so a document about
nutrition, once added, answers the food questions.

The words are matched as whole words, in any case. A sentence speaks of a topic with the
question's words or with the few more a reply may use ("live" and "cure" for survival).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

_TOPIC_WORDS = {
    "food and drink": (
        r"eat|eats|eating|ate|foods?|diets?|dietary|nutrition\w*|nutrients?|meals?|appetite"
        r"|drinks?|drinking|alcohol\w*|wine|beer|coffee|caffeine|juices?|fasting|vegetarian|vegan"
    ),
    "supplements": (
        r"vitamins?|supplements?|herbs?|herbal|turmeric|curcumin|cannabis|marijuana|cbd"
        r"|acupuncture|homeopath\w*|naturopath\w*"
    ),
    "exercise": (
        r"exercis\w*|gym|workouts?|sports?|swim\w*|yoga|jogg\w*"
        r"|lift(?:ing)? weights|fitness"
    ),
    "sex": r"sex|sexual\w*|intercourse|intimacy|intimate|libido|erectile|erections?",
    "fertility": (
        r"fertil\w*|infertil\w*|pregnan\w*|conceiv\w*|have (?:a )?(?:baby|babies|kids|children)"
        r"|start a family|sperm"
    ),
    "driving": r"drive|drives|driving|drove",
    "travel": r"travel\w*|fly|flying|flights?|holidays?|vacations?|abroad",
    "hair": r"hair|bald\w*|wigs?|cold caps?",
    "work": r"jobs?|employers?|back to work|return to work|sick leave|time off work",
    "family screening": (
        r"hereditary|inherit\w*|colonoscop\w*|screening|lynch|family history"
        r"|runs? in (?:the |my |our )?famil\w*"
    ),
    "a second opinion": r"second opinions?",
    "recovery": r"recover\w*|hospital stay|(?:stay|be|spend) in (?:the )?hospital",
    "smoking": r"smok\w*|cigarettes?|vape|vapes|vaping",
    "sleep": r"sleep\w*|insomnia",
    "vaccines": r"vaccin\w*|flu shots?|covid",
    "feelings": (
        r"depress\w*|anxiety|anxious|stress|stressed|stressful|emotions?|emotional\w*"
        r"|mental health|counsel\w*|psycholog\w*|psychiatr\w*|therapist|panic\w*"
    ),
    "pets": r"pets?|dogs?|cats?(?! scans?\b)",  # a "CAT scan" is a CT scan
    "teeth": r"dentists?|dental|teeth|tooth",
    "survival": (
        r"surviv\w*|life expectancy|prognosis|outlook|how long[^.?!]*\blive|live longer"
        r"|extra (?:time|weeks|months|years)|(?:success|cure) rates?"
    ),
    # Treatments by name: a reply about radiation in general does not say whether proton
    # therapy is an option.
    "proton therapy": r"protons?",
    "immunotherapy": r"immunotherap\w*|checkpoint inhibitors?|car-t",
    "stereotactic radiation": r"stereotactic|sbrt|sabr|cyberknife|cyber knife|gamma knife",
    "brachytherapy": r"brachytherapy|internal radiation",
    "photodynamic therapy": r"photodynamic|pdt",
    "a transplant": r"transplant\w*",
    "a stent": r"stents?|stenting",
    "HIPEC": r"hipec|heated chemo\w*",
    "radioembolization": r"radioemboli[sz]ation|sirt|y-?90|radioactive beads",
    "ablation": r"ablation|ablate|rfa|cryo\w*|microwave",
    "keyhole surgery": r"keyhole|laparoscop\w*|robotic",
}
# Words a reply may speak of a topic with that a question asking about it need not use.
_ALSO_SPOKEN = {
    "survival": r"live|lives|cured?|curable",
    "HIPEC": r"hyperthermic",
    "radioembolization": r"microspheres?",
    "ablation": r"ablat\w*",
}


@dataclass(frozen=True)
class Topic:
    asked: re.Pattern[str]  # a question asks about the topic
    spoken: re.Pattern[str]  # a sentence speaks of it


def _words(alternatives: str) -> re.Pattern[str]:
    return re.compile(rf"\b(?:{alternatives})\b", re.IGNORECASE)


TOPICS = {
    name: Topic(
        _words(words),
        _words(f"{words}|{_ALSO_SPOKEN[name]}" if name in _ALSO_SPOKEN else words),
    )
    for name, words in _TOPIC_WORDS.items()
}


# All topics' (lower-case) question words in one pattern, matched case-sensitively against the
# lower-cased text: most questions name no topic, and this one scan tells so in about 6 µs; one
# IGNORECASE search per topic took about 90.
_ANY_ASKED = re.compile(r"\b(?=\w)(?:" + "|".join(_TOPIC_WORDS.values()) + r")\b")


def named_topics(text: str) -> list[str]:
    """The topics `text` asks about, in TOPICS order."""
    if not _ANY_ASKED.search(text.lower()):
        return []
    return [name for name, topic in TOPICS.items() if topic.asked.search(text)]


def missing_topic(question: str, texts: Iterable[str]) -> str | None:
    """A topic `question` asks about that none of `texts` speaks of, or None."""
    texts = list(texts)
    for name in named_topics(question):
        if not any(TOPICS[name].spoken.search(text) for text in texts):
            return name
    return None
