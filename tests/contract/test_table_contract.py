"""The table core's contract: every backend behaves as DynamoDB does for what stores rely on."""

from __future__ import annotations

import pytest

from badgehub.adapters.tables.core import (
    MAX_TRANSACTION,
    Absent,
    Add,
    All,
    Below,
    Check,
    ConditionFailed,
    Delete,
    Equals,
    Exists,
    Put,
    Table,
)


def an_item(
    pk: str = "P#1", sk: str = "S", **extra: str | int | bool
) -> dict[str, str | int | bool]:
    return {"PK": pk, "SK": sk, **extra}


def test_put_then_get_returns_the_same_values_and_types(table: Table) -> None:
    table.put(an_item(name="Ada", count=3, flag=False))
    assert table.get("P#1", "S") == an_item(name="Ada", count=3, flag=False)
    assert table.get("P#1", "other") is None


def test_absent_refuses_a_second_put_and_keeps_the_first(table: Table) -> None:
    table.put(an_item(v=1), Absent())
    with pytest.raises(ConditionFailed):
        table.put(an_item(v=2), Absent())
    assert table.get("P#1", "S") == an_item(v=1)


def test_exists_and_equals(table: Table) -> None:
    with pytest.raises(ConditionFailed):
        table.put(an_item(v=1), Exists())
    table.put(an_item(v=1, revoked=False))
    table.put(an_item(v=2, revoked=False), All((Exists(), Equals("revoked", False))))
    with pytest.raises(ConditionFailed):
        table.put(an_item(v=3), Equals("v", 1))
    assert table.get("P#1", "S") == an_item(v=2, revoked=False)


def test_below_holds_for_a_missing_or_smaller_attribute_of_an_existing_item(table: Table) -> None:
    with pytest.raises(ConditionFailed):
        table.put(an_item(lease=5), Below("lease", 10))  # no item yet
    table.put(an_item())
    table.put(an_item(lease=5), Below("lease", 10))
    with pytest.raises(ConditionFailed):
        table.put(an_item(lease=20), Below("lease", 5))
    assert table.get("P#1", "S") == an_item(lease=5)


def test_conditional_delete(table: Table) -> None:
    table.put(an_item(v=1))
    with pytest.raises(ConditionFailed):
        table.delete("P#1", "S", Equals("v", 2))
    table.delete("P#1", "S", Equals("v", 1))
    assert table.get("P#1", "S") is None
    table.delete("P#1", "S")  # deleting nothing is fine


def test_a_transaction_is_all_or_nothing_and_names_the_failed_writes(table: Table) -> None:
    table.put(an_item("A", "S", v=1))
    with pytest.raises(ConditionFailed) as failure:
        table.transact(
            [
                Put(an_item("B", "S"), Absent()),
                Put(an_item("A", "S", v=2), Absent()),
                Check("C", "S", Exists()),
            ]
        )
    assert failure.value.failed == (1, 2)
    assert table.get("B", "S") is None
    assert table.get("A", "S") == an_item("A", "S", v=1)
    table.transact([Put(an_item("B", "S"), Absent()), Delete("A", "S", Equals("v", 1))])
    assert table.get("B", "S") == an_item("B", "S")
    assert table.get("A", "S") is None


def test_a_transaction_refuses_what_dynamodb_refuses(table: Table) -> None:
    with pytest.raises(ValueError, match="once"):
        table.transact([Put(an_item("A", "S")), Put(an_item("A", "S"))])
    with pytest.raises(ValueError, match="at most"):
        table.transact([Put(an_item(f"A{i}", "S")) for i in range(MAX_TRANSACTION + 1)])
    assert table.get("A", "S") is None


def test_transactions_each_stand_or_fall_alone_in_order(table: Table) -> None:
    table.put(an_item("A", "S", v=1))
    answers = table.transact_each(
        [
            [Put(an_item("B", "S"), Absent()), Add("N", "S", (("n", 1),))],
            [Put(an_item("C", "S"), Absent()), Put(an_item("A", "S", v=2), Absent())],
            [Put(an_item("D", "S"), Absent()), Add("N", "S", (("n", 1),))],
            [Put(an_item("D", "S", v=9), Absent())],  # sees the one before it
        ]
    )
    assert [None if a is None else a.failed for a in answers] == [None, (1,), None, (0,)]
    assert table.get("B", "S") == an_item("B", "S")
    assert table.get("C", "S") is None  # its transaction fell as a whole
    assert table.get("A", "S") == an_item("A", "S", v=1)
    assert table.get("D", "S") == an_item("D", "S")
    assert table.get("N", "S") == an_item("N", "S", n=2)
    assert table.transact_each([]) == []


def test_transactions_together_refuse_what_one_transaction_refuses(table: Table) -> None:
    with pytest.raises(ValueError, match="once"):
        table.transact_each([[Put(an_item("A", "S"))], [Put(an_item("B", "S"))] * 2])
    assert table.get("A", "S") is None  # checked before anything is written


def test_query_reads_one_partition_by_prefix_in_sort_key_order(table: Table) -> None:
    for sk in ["KEY#2", "KEY#1", "STATUS#1", "KEY#10"]:
        table.put(an_item("ISSUER#1", sk))
    table.put(an_item("ISSUER#2", "KEY#1"))
    page = table.query("ISSUER#1", prefix="KEY#")
    assert [i["SK"] for i in page.items] == ["KEY#1", "KEY#10", "KEY#2"]
    assert page.last_key is None
    assert [i["SK"] for i in table.query("ISSUER#1", descending=True).items] == [
        "STATUS#1",
        "KEY#2",
        "KEY#10",
        "KEY#1",
    ]


def test_pages_walk_every_item_once_and_the_last_page_has_no_key(table: Table) -> None:
    for n in range(7):
        table.put(an_item(f"A#{n}", "A", GSI1PK="BADGE#1", GSI1SK=f"ASSERTION#{n:03d}"))
    table.put(an_item("B#1", "B", GSI1PK="BADGE#2", GSI1SK="ASSERTION#000"))
    seen: list[str | int | bool] = []
    after = None
    pages = 0
    while True:
        page = table.query("BADGE#1", prefix="ASSERTION#", index="GSI1", limit=3, after=after)
        seen += [i["PK"] for i in page.items]
        pages += 1
        if page.last_key is None:
            break
        assert set(page.last_key) == {"PK", "SK", "GSI1PK", "GSI1SK"}
        after = page.last_key
    assert seen == [f"A#{n}" for n in range(7)]
    assert pages == 3


def test_an_exactly_full_last_page_hands_out_no_key(table: Table) -> None:
    for n in range(3):
        table.put(an_item(f"A#{n}", "A", GSI1PK="BADGE#1", GSI1SK=f"ASSERTION#{n}"))
    page = table.query("BADGE#1", index="GSI1", limit=3)
    assert len(page.items) == 3
    assert page.last_key is None


def test_items_without_index_keys_are_not_in_the_index(table: Table) -> None:
    table.put(an_item("A#1", "A", GSI1PK="OUTBOX#0", GSI1SK="2026#1"))
    table.put(an_item("A#1", "A"))  # replaced without its index keys: gone from the index
    assert table.query("OUTBOX#0", index="GSI1").items == []


def test_values_keep_their_types(table: Table) -> None:
    values = an_item(big=2**53 + 1, zero=0, no=False, yes=True, empty="", text="Ünïcødé ✓ 🎓")
    table.put(values)
    stored = table.get("P#1", "S")
    assert stored == values
    assert stored is not None
    assert [type(stored[k]) for k in ("zero", "no", "yes")] == [int, bool, bool]


def test_a_bool_never_equals_a_number(table: Table, request: pytest.FixtureRequest) -> None:
    if request.node.callspec.params["table"] == "dynamodb":
        reason = "moto compares BOOL and N by value; DynamoDB compares types first"
        request.applymarker(pytest.mark.xfail(reason=reason, strict=True))
    table.put(an_item(zero=0, yes=True))
    with pytest.raises(ConditionFailed):
        table.put(an_item(v=2), Equals("yes", 1))
    with pytest.raises(ConditionFailed):
        table.put(an_item(v=2), Equals("zero", False))


def test_a_prefix_matches_exactly_whatever_characters_it_ends_in(table: Table) -> None:
    keys = ["a", "a\uffff", "a\uffffz", "a\U0001f393", "a\U0010ffff", "a\U0010ffffz", "b", "`"]
    for sk in keys:
        table.put(an_item("P", sk))

    def matching(prefix: str) -> list[str | int | bool]:
        return [i["SK"] for i in table.query("P", prefix=prefix).items]

    assert matching("a") == sorted(k for k in keys if k.startswith("a"))
    assert matching("a\uffff") == ["a\uffff", "a\uffffz"]
    assert matching("a\U0010ffff") == ["a\U0010ffff", "a\U0010ffffz"]
    assert matching("a\U0001f393") == ["a\U0001f393"]
    assert matching("c") == []


def test_descending_pages_walk_every_item_once_in_reverse(table: Table) -> None:
    for n in range(7):
        table.put(an_item(f"A#{n}", "A", GSI1PK="BADGE#1", GSI1SK=f"ASSERTION#{n:03d}"))
    table.put(an_item("A#9", "A", GSI1PK="BADGE#1", GSI1SK="OTHER#000"))
    seen: list[str | int | bool] = []
    after = None
    while True:
        page = table.query(
            "BADGE#1", prefix="ASSERTION#", index="GSI1", limit=2, after=after, descending=True
        )
        seen += [i["PK"] for i in page.items]
        if page.last_key is None:
            break
        after = page.last_key
    assert seen == [f"A#{n}" for n in reversed(range(7))]


def test_table_pages_continue_after_the_last_key(table: Table) -> None:
    for n in range(5):
        table.put(an_item("ISSUER#1", f"KEY#{n}"))
    table.put(an_item("ISSUER#1", "STATUS#1"))
    first = table.query("ISSUER#1", prefix="KEY#", limit=3)
    assert [i["SK"] for i in first.items] == ["KEY#0", "KEY#1", "KEY#2"]
    assert first.last_key == {"PK": "ISSUER#1", "SK": "KEY#2"}
    rest = table.query("ISSUER#1", prefix="KEY#", limit=3, after=first.last_key)
    assert [i["SK"] for i in rest.items] == ["KEY#3", "KEY#4"]
    assert rest.last_key is None


def test_pages_over_index_ties_walk_every_item_once(table: Table) -> None:
    for pk in ["A#3", "A#1", "A#2"]:
        table.put(an_item(pk, "A", GSI1PK="OUTBOX#0", GSI1SK="2026#same"))
    page = table.query("OUTBOX#0", index="GSI1", limit=2)
    assert page.last_key is not None
    rest = table.query("OUTBOX#0", index="GSI1", limit=2, after=page.last_key)
    assert rest.last_key is None
    assert sorted(str(i["PK"]) for i in page.items + rest.items) == ["A#1", "A#2", "A#3"]


def test_add_creates_the_counter_item_then_adds_to_it(table: Table) -> None:
    table.add("C#1", "DAY#2026-12-01", {"views": 1})
    table.add("C#1", "DAY#2026-12-01", {"views": 2, "downloads": 1})
    assert table.get("C#1", "DAY#2026-12-01") == an_item(
        "C#1", "DAY#2026-12-01", views=3, downloads=1
    )


def test_add_keeps_the_other_attributes_and_counts_down_too(table: Table) -> None:
    table.put(an_item(name="Ada", awarded=2))
    table.add("P#1", "S", {"awarded": -1})
    assert table.get("P#1", "S") == an_item(name="Ada", awarded=1)


def test_an_add_in_a_transaction_lands_with_the_others_or_not_at_all(table: Table) -> None:
    table.put(an_item("P#2", v=1))
    with pytest.raises(ConditionFailed) as failed:
        table.transact([Add("P#1", "S", (("n", 1),)), Put(an_item("P#2", v=2), Absent())])
    assert failed.value.failed == (1,)
    assert table.get("P#1", "S") is None
    table.transact([Add("P#1", "S", (("n", 1),)), Put(an_item("P#3"), Absent())])
    table.transact([Add("P#1", "S", (("n", 1),), Exists())])
    assert table.get("P#1", "S") == an_item(n=2)


def test_a_conditional_add_refuses_a_missing_item(table: Table) -> None:
    with pytest.raises(ConditionFailed):
        table.transact([Add("P#1", "S", (("n", 1),), Exists())])
    assert table.get("P#1", "S") is None
