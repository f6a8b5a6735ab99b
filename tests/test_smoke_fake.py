from qa.serving.loading import load_pipeline


def test_tiny_pipeline_answers_with_fake_embedder(built, fake_embedder):
    p = load_pipeline(built.replace(abstain_min_support=-1.0), fake_embedder)
    a = p.ask("Which chemotherapy is used most often for stage 4 rectal cancer?")
    assert a.status.value == "answered"
    assert "FOLFIRI" in a.text
