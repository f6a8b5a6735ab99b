"""The ingest wing: source files -> cleaned Documents (`sources`, `html_text`, `cleaning`) -> Chunks
(`chunking`, `tokens`) -> vectors and BM25 -> a verified build in the index folder (`build`,
`store_write`; `store` reads it back); `freshness` says whether a build still matches its sources;
`corpus` reads benchmark corpora.

May import: the core of `qa` and the encoder. Never answering, safety or serving.
"""
