"""System checks name a half-made sign-in configuration at start, with the fix."""

from accounts.checks import check_api_rates, check_oidc


def ids(problems):
    return [problem.id for problem in problems]


def test_sso_off_is_fine(settings):
    settings.OIDC_ISSUER = ""
    assert check_oidc() == []


def test_an_issuer_without_its_client_is_an_error(settings):
    settings.OIDC_ISSUER = "https://idp.example.com"
    settings.OIDC_RP_CLIENT_ID = "warroom"
    settings.OIDC_RP_CLIENT_SECRET = ""
    [problem] = check_oidc()
    assert problem.id == "accounts.E001" and "OIDC_CLIENT_SECRET is not" in problem.msg
    settings.OIDC_RP_CLIENT_SECRET = "s3cret"
    assert check_oidc() == []


def test_an_issuer_must_be_a_url_and_https_off_this_machine(settings):
    settings.OIDC_RP_CLIENT_ID, settings.OIDC_RP_CLIENT_SECRET = "warroom", "s3cret"
    settings.OIDC_ISSUER = "idp.example.com"
    assert ids(check_oidc()) == ["accounts.E002"]
    settings.OIDC_ISSUER = "http://idp.example.com"
    assert ids(check_oidc()) == ["accounts.W001"]
    settings.OIDC_ISSUER = "http://127.0.0.1:9000"
    assert check_oidc() == []


def test_rates_must_read_as_calls_per_period(settings):
    settings.API_THROTTLE_RATES = {"token": "600/min", "address": "lots"}
    [problem] = check_api_rates()
    assert problem.id == "accounts.E003" and "'address'" in problem.msg
    settings.API_THROTTLE_RATES = {"token": "0/min", "address": "60/min"}
    assert ids(check_api_rates()) == ["accounts.E003"]
