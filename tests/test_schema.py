"""The Whoosh schema of a build: the Danish positions format writes Whoosh's own postings."""

from __future__ import annotations

from pathlib import Path

from whoosh import fields, formats

from soev_search.analysis import Vocabulary
from soev_search.ingest import ingest_file
from soev_search.schema import (
    DanishPositions,
    create_index,
    document_fields,
    make_schema,
    open_index,
    save_vocabulary,
)

VOCABULARY = Vocabulary(["social", "okonomi", "virksomhed", "kantine", "drift"])


def test_every_text_field_uses_the_danish_positions_format():
    schema = make_schema(VOCABULARY)
    text_fields = [name for name, field in schema.items() if isinstance(field, fields.TEXT)]
    assert text_fields == ["sections", "text", "title"]
    assert all(type(schema[name].format) is DanishPositions for name in text_fields)


def test_danish_positions_write_the_postings_whooshs_positions_write(corpus_dir, tmp_path):
    values = [document_fields(ingest_file(path, corpus_dir))
              for path in sorted(corpus_dir.glob("*.txt"))]
    values.append({"id": "x", "title": "E-mail om fleks-job",
                   "text": "Kantine-drift og socialøkonomi; e-mail e-mail-adresse.",
                   "document": b"{}"})

    def postings(folder: Path, plain: bool) -> list[tuple]:
        folder.mkdir()
        save_vocabulary(folder, VOCABULARY)
        ix = create_index(folder, VOCABULARY)
        if plain:  # Whoosh's own format for the same fields
            for name in ("title", "text", "sections"):
                ix.schema[name].format = formats.Positions()
        writer = ix.writer()
        for fields_ in values:
            writer.add_document(**fields_)
        writer.commit()
        with open_index(folder, VOCABULARY).reader() as reader:
            return list(reader.iter_postings())

    danish = postings(tmp_path / "danish", plain=False)
    assert len(danish) > 500
    assert danish == postings(tmp_path / "plain", plain=True)
