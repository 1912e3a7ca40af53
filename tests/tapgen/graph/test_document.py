"""docs/architecture.md: the committed page is prod's pictures, as `tapgen graph` draws them."""

from __future__ import annotations

import json
import re

from tapgen.graph import build_graph
from tapgen.graph.document import ARCHITECTURE_DOC, DOCUMENTED_ENVIRONMENT, architecture_markdown
from tapgen.graph.formats import mermaid
from tests.conftest import ROOT, rendered_text


def test_page_holds_the_flow_and_access_pictures_of_prod() -> None:
    template = json.loads(rendered_text(DOCUMENTED_ENVIRONMENT))
    page = architecture_markdown(template, DOCUMENTED_ENVIRONMENT)
    blocks = re.findall(r"```mermaid\n(.*?)```", page, flags=re.DOTALL)
    assert blocks == [mermaid(build_graph(template, "flow")), mermaid(build_graph(template, "access"))]


def test_committed_page_is_current() -> None:
    template = json.loads(rendered_text(DOCUMENTED_ENVIRONMENT))
    committed = (ROOT / ARCHITECTURE_DOC).read_text(encoding="utf-8")
    assert committed == architecture_markdown(template, DOCUMENTED_ENVIRONMENT)
