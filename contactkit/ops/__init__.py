"""Running contactkit on AWS: per-org IAM policies, write sharding, and DynamoDB Streams.

Each module works on a :class:`~contactkit.table.Table` or a policy document; the notebooks use
them as ``from contactkit.ops import ShardedPartition, iam``::

    from contactkit.ops import iam
    iam.tenant_policy("org-a1b2c3d4", table_name="contacts")  # ORG#<org> and ORG#<org>#* only
"""

from __future__ import annotations

from . import iam, sharding, streams
from .iam import PolicyGuard, tenant_policy
from .sharding import ShardedPartition
from .streams import SearchIndex, SearchIndexer, StreamReader, SyncReport, enable_stream

__all__ = [
    "PolicyGuard",
    "SearchIndex",
    "SearchIndexer",
    "ShardedPartition",
    "StreamReader",
    "SyncReport",
    "enable_stream",
    "iam",
    "sharding",
    "streams",
    "tenant_policy",
]
