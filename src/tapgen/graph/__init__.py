"""Pictures of a template: how data and events flow, and who may act on what.

Built from the template's JSON alone, so any CloudFormation template file can be drawn.
"""

from tapgen.graph.build import VIEWS, build_graph

__all__ = ["VIEWS", "build_graph"]
