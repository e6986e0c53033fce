"""Rule-based bilingual question answering over the report graph.

    from qa import ask, Conversation
    ask("2024年全球AI推理芯片市场规模是多少？").to_json()
"""
from .answer import Answer, Citation, Value
from .core import Conversation, ask

__all__ = ["ask", "Conversation", "Answer", "Citation", "Value"]
