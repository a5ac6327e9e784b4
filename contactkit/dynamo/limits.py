"""DynamoDB's hard limits, contactkit's field limits, and the transaction budget they imply.

The embedded engine (moto) does not enforce most of DynamoDB's limits, so contactkit enforces
them itself, from this one module.

Transaction budget
------------------
Every store write is one ``TransactWriteItems`` of at most 100 actions and 4 MB: an add, and an
update that replaces every list at once, included. The worst case of each operation, with every
field at its limit, is computed by :func:`worst_case_actions` and tested to stay within
:data:`MAX_TRANSACTION_ACTIONS` (``tests/dynamo/test_limits.py``), and measured on real
worst-case contacts, actions and bytes (``tests/contacts/test_writer.py``). The bounds below are
chosen for it: an update moves at most every claim, phone item, tag item, search token and the
source-id claim (two actions each), ``1 + 2 * (6 + 12 + 15 + 15 + 1) + 1 = 100``. Every write
carries one audit entry. Merging is three transactions, each within the budget (see
``contactkit.contacts.merge``). Activity items are unbounded and are therefore never deleted
inside a transaction: see ``OrgStore.purge_activity``.
"""

from __future__ import annotations

# DynamoDB service limits.
MAX_ITEM_BYTES = 400 * 1024
MAX_PARTITION_KEY_BYTES = 2048
MAX_SORT_KEY_BYTES = 1024
MAX_TRANSACTION_ACTIONS = 100
MAX_TRANSACTION_BYTES = 4 * 1024 * 1024
MAX_BATCH_WRITE_ITEMS = 25
# BatchWriteItem's 16 MB request limit needs no check of its own: 25 items of at most 400 KB
# are 10 MB (tests/dynamo/test_limits.py keeps it so if either limit changes).
MAX_BATCH_WRITE_BYTES = 16 * 1024 * 1024
MAX_BATCH_GET_KEYS = 100
MAX_PAGE_BYTES = 1024 * 1024  # a Query or Scan page stops after reading 1 MB

# Contact field limits (characters unless stated).
NAME_MAX = 100
EMAIL_MAX = 254
PHONE_MAX = 40
COMPANY_MAX = 200
JOB_TITLE_MAX = 200
TAG_MAX = 50
LABEL_MAX = 50  # the label of an email, phone or address ("work", "home", or free text)
WEBSITE_MAX = 2000
SOURCE_ID_MAX = 500  # an id from another address book (a vCard UID), claimed in the org
# Emails and phones past these counts are kept on the contact (with a warning) but get no claim
# or membership item: the bounds keep every write within one transaction (see below). Public
# Google vCards carry up to 5 emails and 11 phones.
MAX_INDEXED_EMAILS = 6
MAX_INDEXED_PHONES = 12
MAX_TAGS = 15  # more is refused (ValidationError on tags)
ADDRESS_FIELD_MAX = 200
CUSTOM_FIELDS_MAX = 50
CUSTOM_FIELD_NAME_MAX = 100
CUSTOM_FIELD_VALUE_MAX = 2000
NOTES_MAX = 100_000
INTERACTION_NOTE_MAX = 2000
INTERACTION_KIND_MAX = 50
GROUP_NAME_MAX = 100

# Words past this count are not indexed (found by the org scan only): see contacts/search.py.
MAX_SEARCH_TOKENS = 15
MAX_GROUPS_PER_CONTACT = 20


def worst_case_actions() -> dict[str, int]:
    """The largest number of transaction actions each store operation needs in one transaction.

    Every store write puts one audit entry in its transaction (``audit``). Emails get one claim
    each and phones one membership item each, up to ``MAX_INDEXED_EMAILS`` and
    ``MAX_INDEXED_PHONES``; a contact with a source id (a vCard ``UID``) has one source claim.
    An update replacing everything at once (every email, phone, tag, token and the source id)
    releases and re-makes each: two actions per item, one transaction. A merge is three
    transactions: ``merge`` (the kept contact gains the other's tags, groups and fields),
    then the other's deletion (``delete``), then ``merge_take_over`` (the kept contact takes
    over the other's emails, phones and source id, now released).
    """
    contact, audit, source = 1, 1, 1
    emails, phones, tags, tokens, groups = (
        MAX_INDEXED_EMAILS,
        MAX_INDEXED_PHONES,
        MAX_TAGS,
        MAX_SEARCH_TOKENS,
        MAX_GROUPS_PER_CONTACT,
    )
    return {
        # contact + email claims + source claim + tag items + phone items + search tokens
        "add": contact + emails + source + tags + phones + tokens + audit,
        # every claim, phone item, tag item and token released and re-made
        "update": contact + 2 * (emails + source + tags + phones + tokens) + audit,
        # contact + claims + source + tags + phones + tokens + group memberships
        "delete": contact + emails + source + tags + phones + tokens + groups + audit,
        # contact + one activity item
        "record_interaction": contact + 1 + audit,
        "set_favorite": contact + audit,
        # contact + member item + a check that the group exists (add_to/remove_from_group)
        "group_membership": contact + 1 + 1 + audit,
        # kept contact + tags and groups it gains + its tokens replaced + a check on the other
        "merge": contact + tags + 2 * tokens + groups + 1 + audit,
        # kept contact + the other's claims, phone items and source claim + its tokens replaced
        # (its primary email, hence its words, may become the other's)
        "merge_take_over": contact + emails + phones + source + 2 * tokens + audit,
    }
