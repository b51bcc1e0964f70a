from ui.auth import user_id_from


def test_only_a_verified_address_identifies_a_member():
    assert user_id_from({"email": "Chair@Agency.gov", "email_verified": True, "sub": "1"}) == (
        "chair@agency.gov")
    unverified = user_id_from({"email": "chair@agency.gov", "email_verified": False,
                               "iss": "https://idp.example", "sub": "mallory"})
    assert "chair@agency.gov" not in unverified and "mallory" in unverified
    assert user_id_from({"email": "chair@agency.gov", "iss": "x", "sub": "s"}) != "chair@agency.gov"
