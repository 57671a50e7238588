from pathlib import Path

import yaml

from lmboot.config import SCHEMA
from lmboot.config_doc import reference, write_reference

ROOT = Path(__file__).resolve().parent.parent


def test_the_committed_reference_is_the_schemas():
    """docs/config.md is what `lmboot config-doc` writes from the schema: run it after changing the schema."""
    assert (ROOT / "docs/config.md").read_text() == reference(), "run: lmboot config-doc --out docs/config.md"


def test_every_key_with_its_default_and_a_changed_schema_changes_the_reference(tmp_path):
    text = reference()
    assert (
        '| `lm.components` | list of string | ["nbest", "general"] |' in text and "| `translators[].family` |" in text
    )
    assert "| `downloads[].sha256` |" in text and "## definition `filter`" in text
    schema = yaml.safe_load(SCHEMA.read_text())
    schema["properties"]["lm"]["properties"]["order"]["default"] = 4
    changed = tmp_path / "schema.yaml"
    changed.write_text(yaml.safe_dump(schema))
    write_reference(tmp_path / "config.md", changed)
    assert "| `lm.order` | integer | 4 |" in (tmp_path / "config.md").read_text() != text
