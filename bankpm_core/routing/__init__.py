"""Understanding questions: intent + typed slots, rules by default, LLM optional.

``Router(catalog, clock).route(question) -> Route``. Importing this package builds
nothing: the lexicon is built per router and jieba is loaded on first use.
"""

from bankpm_core.routing.parser import Router
from bankpm_core.routing.types import Option, Route, RouteIntent

__all__ = ["Option", "Route", "RouteIntent", "Router"]
