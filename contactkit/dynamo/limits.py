"""DynamoDB's hard limits, contactkit's field limits, and the transaction budget they imply.

The embedded engine (moto) does not enforce most of DynamoDB's limits, so contactkit enforces
them itself, from this one module.

Transaction budget
------------------
Every store write is one ``TransactWriteItems`` of at most 100 actions. The worst case of each
operation, with every field at its limit, is computed by :func:`worst_case_actions` and tested
to stay within :data:`MAX_TRANSACTION_ACTIONS`. Every write carries one audit entry. Merging
keeps within the budget because it only adds to the kept contact (the other contact is then
deleted by its own transaction: see ``contactkit.contacts.merge``).
Activity items are unbounded and are therefore never deleted inside a transaction: see
``OrgStore.purge_activity``.
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
# Emails and phones past these counts are kept on the contact (with a warning) but get no claim
# or membership item: the bounds keep every write within one transaction (see below). Public
# Google vCards carry up to 5 emails and 11 phones.
MAX_INDEXED_EMAILS = 10
MAX_INDEXED_PHONES = 20
MAX_TAGS = 20
ADDRESS_FIELD_MAX = 200
CUSTOM_FIELDS_MAX = 50
CUSTOM_FIELD_NAME_MAX = 100
CUSTOM_FIELD_VALUE_MAX = 2000
NOTES_MAX = 100_000
INTERACTION_NOTE_MAX = 2000
INTERACTION_KIND_MAX = 50
GROUP_NAME_MAX = 100

# Reserved for later features (kept here so the budget below accounts for them).
MAX_SEARCH_TOKENS = 24
MAX_GROUPS_PER_CONTACT = 20


def worst_case_actions() -> dict[str, int]:
    """The largest number of transaction actions each store operation can need per transaction.

    Every store write also puts one audit entry in its transaction (``audit``). Emails get one
    claim each and phones one membership item each, up to ``MAX_INDEXED_EMAILS`` and
    ``MAX_INDEXED_PHONES``. An update that replaces everything at once (every email, phone, tag
    and token: ``update_unsplit``) needs more than one transaction holds, so the writer applies
    it in steps (emails, then phones, then the other fields), each one transaction leaving a
    complete contact: ``update`` is the largest of those steps.
    """
    contact, audit = 1, 1
    emails, phones, tags, tokens = (
        MAX_INDEXED_EMAILS,
        MAX_INDEXED_PHONES,
        MAX_TAGS,
        MAX_SEARCH_TOKENS,
    )
    steps = {
        # every claim released and re-made; the primary email's words change the tokens
        "update_emails": contact + 2 * emails + 2 * tokens + audit,
        "update_phones": contact + 2 * phones + audit,
        # names, company, job title, tags...: every tag and token replaced
        "update_others": contact + 2 * tags + 2 * tokens + audit,
    }
    return {
        # contact + email claims + tag items + phone items + search tokens
        "add": contact + emails + tags + phones + tokens + audit,
        "update": max(steps.values()),
        **steps,
        "update_unsplit": contact + 2 * emails + 2 * phones + 2 * tags + 2 * tokens + audit,
        # contact + claims + tags + phones + tokens + group memberships
        "delete": contact + emails + tags + phones + tokens + MAX_GROUPS_PER_CONTACT + audit,
        # contact + one activity item
        "record_interaction": contact + 1 + audit,
        "set_favorite": contact + audit,
        # contact + member item + a check that the group exists (add_to/remove_from_group)
        "group_membership": contact + 1 + 1 + audit,
        # kept contact + tags and groups it gains + its tokens replaced + a check on the other
        "merge": contact + MAX_TAGS + 2 * MAX_SEARCH_TOKENS + MAX_GROUPS_PER_CONTACT + 1 + audit,
    }
