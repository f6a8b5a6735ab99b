"""The safety wing: what is escalated before any answer, and what every reply carries.

Triage reads a message against a catalogue kept as data (`catalogue.yaml`): auditable rules,
the message's framing (`context.yaml`: asked about, denied, over, hypothetical) and a semantic
match against the catalogue's example bank, combined by one learned score (`triage_model.json`,
refitted by `qa tune-triage`).

May import: the core of `qa` and the encoder. Never the answering wing, the index store or
the builder: a triage decision must not depend on what the documents say. (`redflags`, the
personal-decision and scope rules the answering wing applies, lives here for the same reason.)
"""
