from badgehub.domain import hashing


def test_sha256_identity_matches_the_ob2_spec_vector() -> None:
    assert hashing.hash_identity("mayze", "") == (
        "sha256$7a1a1b3f7d40552e4299180e346e3add12bf9a751a43d9c4ca4518febc2c60c6"
    )


def test_salted_email_hash_matches_the_ob3_spec_vector() -> None:
    assert hashing.hash_identity("a@example.com", "Kosher") == (
        "sha256$b5809d8a92f8858436d7e6b87c12ebc0ae1eac4baecc2c0b913aee2c922ef399"
    )


def test_email_is_trimmed_and_lower_cased_before_hashing() -> None:
    assert hashing.hash_email("  A@Example.COM ", "Kosher") == hashing.hash_identity(
        "a@example.com", "Kosher"
    )


def test_identity_matches_accepts_upper_case_hex_and_md5() -> None:
    hashed = hashing.hash_identity("a@example.com", "Kosher")
    assert hashing.identity_matches(
        hashed.upper().replace("SHA256", "sha256"), "a@example.com", "Kosher"
    )
    assert hashing.identity_matches(
        "md5$" + __import__("hashlib").md5(b"a@example.comx").hexdigest(), "a@example.com", "x"
    )
    assert not hashing.identity_matches(hashed, "b@example.com", "Kosher")
    assert not hashing.identity_matches("sha1$abc", "a@example.com", "Kosher")


def test_salts_are_unique() -> None:
    assert len({hashing.new_salt() for _ in range(100)}) == 100
