"""The PAR Index scoring engine: plain Python, Decimal in and out, no Django and no I/O.

The same call computes in a unit test, a Celery job and a what-if preview. Callers build the
frozen inputs (`CriteriaTree`, `BlockRules`, `AgencyInput`) and store what `compute_block` returns.
"""

from .compute import (
    STORED_PLACES,
    compute_agency,
    compute_block,
    publish_round,
    published_index,
    stored_exact,
)
from .model import (
    HEAD_CLASSES,
    AgencyInput,
    AgencyResult,
    Band,
    BlockRules,
    CriteriaTree,
    EngineError,
    HeadClassRule,
    LeafInput,
    Message,
    Node,
    NodeScore,
    ReviewTrigger,
)
from .ranking import rank_indices
from .rules import RULES, leaf_has_input, leaf_points, validate_rule_params

__all__ = [
    "HEAD_CLASSES",
    "RULES",
    "STORED_PLACES",
    "AgencyInput",
    "AgencyResult",
    "Band",
    "BlockRules",
    "CriteriaTree",
    "EngineError",
    "HeadClassRule",
    "LeafInput",
    "Message",
    "Node",
    "NodeScore",
    "ReviewTrigger",
    "compute_agency",
    "compute_block",
    "leaf_has_input",
    "leaf_points",
    "publish_round",
    "published_index",
    "rank_indices",
    "stored_exact",
    "validate_rule_params",
]
