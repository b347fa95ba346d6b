from badgehub.domain import apikeys


def test_minted_token_parses_back_and_matches_only_its_hash() -> None:
    minted = apikeys.mint()
    parsed = apikeys.parse(minted.token)
    assert parsed is not None
    key_id, secret = parsed
    assert key_id == minted.key_id
    assert apikeys.secret_matches(secret, minted.secret_hash)
    assert not apikeys.secret_matches(secret + "x", minted.secret_hash)
    assert secret not in minted.secret_hash


def test_foreign_shapes_do_not_parse() -> None:
    for token in [
        "",
        "bh_",
        "bh_short_secret",
        "xx_0123456789abcdef_secret",
        "bh_0123456789abcdef_",
    ]:
        assert apikeys.parse(token) is None
