"""The topic model: BERTopic with offline embeddings, size-adaptive settings, readable topics.

``TopicModel`` is the public estimator; see its docstring.
"""

from __future__ import annotations

from topics.topic_model._model import TopicModel
from topics.topic_model._over_time import topics_over_time
from topics.topic_model._represent import select_terms
from topics.topic_model._text import DOMAIN_STOP_WORDS

__all__ = ["DOMAIN_STOP_WORDS", "TopicModel", "select_terms", "topics_over_time"]
