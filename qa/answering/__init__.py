"""The answering wing: reading a question (`followup`, `spelling`, `foreign`, `encoder_query`),
retrieval over the in-memory index (`retrieve`), sentence choice and abstention (`candidates`,
`answer`, `answer_type`, `drugs`, `topics`, `subjects`, `evidence`, `adapter`) and the `Pipeline`
that puts them together with triage.

May import: the core of `qa` (including `qa.index_data`, the in-memory index it is handed), the
encoder and the safety wing. Never the ingest wing: it does not read the index folder
(`qa.serving.loading` does that and hands it the index).
"""
