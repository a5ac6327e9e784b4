"""connect(): which backend, credentials and region defaults, and AWS only when asked."""

from __future__ import annotations

import logging

import pytest

import contactkit as ck
from contactkit.engine.embedded import EmbeddedEngine


@pytest.fixture
def no_endpoint(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_ENDPOINT_URL_DYNAMODB", raising=False)


@pytest.fixture
def endpoint() -> object:
    engine = EmbeddedEngine()
    engine.start()
    yield engine.url
    engine.stop()


def test_default_is_the_embedded_engine(
    no_endpoint: None, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="contactkit"), ck.connect() as db:
        assert db.backend == "embedded"
        assert repr(db) == "<contactkit.Database backend='embedded' (moto, in this process)>"
        assert db.client.list_tables()["TableNames"] == []
    assert "embedded DynamoDB engine" in caplog.text


def test_repr_has_no_port_number(no_endpoint: None) -> None:
    with ck.connect() as db:
        assert db.endpoint_url is not None
        port = db.endpoint_url.rsplit(":", 1)[1]
        assert port not in repr(db)


def test_endpoint_argument(no_endpoint: None, endpoint: str) -> None:
    db = ck.connect(endpoint_url=endpoint)
    assert db.backend == "endpoint" and db.engine is None
    assert db.client.meta.endpoint_url == endpoint
    db.table().create()
    assert db.table().exists()


def test_endpoint_from_the_environment(monkeypatch: pytest.MonkeyPatch, endpoint: str) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", endpoint)
    db = ck.connect()
    assert db.backend == "endpoint" and db.endpoint_url == endpoint
    assert endpoint in repr(db)


def test_endpoint_supplies_dummy_credentials_and_region(
    monkeypatch: pytest.MonkeyPatch, endpoint: str, tmp_path: object
) -> None:
    for name in (
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_PROFILE",
        "AWS_DEFAULT_REGION",
        "AWS_REGION",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path) + "/none")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path) + "/none")
    db = ck.connect(endpoint_url=endpoint)
    assert db.client.meta.region_name == "us-east-1"
    assert db.client.list_tables()["TableNames"] == []


def test_aws_with_an_endpoint_in_the_environment_is_an_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", "http://localhost:8000")
    with pytest.raises(ck.ConfigurationError, match="AWS_ENDPOINT_URL_DYNAMODB"):
        ck.connect(aws=True, region="eu-west-1")


def test_aws_with_an_endpoint_argument_is_an_error(no_endpoint: None) -> None:
    with pytest.raises(ck.ConfigurationError):
        ck.connect("http://localhost:8000", aws=True, region="eu-west-1")


def test_aws_is_only_used_when_asked(no_endpoint: None, monkeypatch: pytest.MonkeyPatch) -> None:
    # Real-looking credentials in the environment do not make connect() choose AWS.
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAEXAMPLEEXAMPLE00")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "secret")
    with ck.connect() as db:
        assert db.backend == "embedded"
        assert db.client.meta.endpoint_url.startswith("http://127.0.0.1:")


def test_aws_client_is_built_without_sending_anything(no_endpoint: None) -> None:
    db = ck.connect(aws=True, region="eu-west-1")
    assert db.backend == "aws"
    assert db.client.meta.endpoint_url == "https://dynamodb.eu-west-1.amazonaws.com"
    assert repr(db) == "<contactkit.Database backend='aws' region='eu-west-1'>"


def test_profile_without_aws_is_an_error(no_endpoint: None) -> None:
    with pytest.raises(ck.ConfigurationError, match="aws=True"):
        ck.connect(profile="work")


def test_seed_makes_ids_reproducible(no_endpoint: None) -> None:
    def ids() -> list[str]:
        clock = ck.FixedClock("2026-01-05T09:00:00Z")
        with ck.connect(clock=clock, seed=3) as db:
            return [db.ids() for _ in range(3)]

    assert ids() == ids()


def test_ids_and_seed_together_are_an_error(no_endpoint: None) -> None:
    with pytest.raises(ck.ConfigurationError):
        ck.connect(ids=ck.UlidGenerator(), seed=1)


@pytest.mark.parametrize(
    "url", ["notaurl", "127.0.0.1:8000", "ftp://127.0.0.1:8000", "http://", "http://localhost:port"]
)
def test_an_endpoint_that_is_not_a_url_is_a_clear_error(no_endpoint: None, url: str) -> None:
    with pytest.raises(ck.ConfigurationError, match="is not an endpoint URL") as exc:
        ck.connect(endpoint_url=url)
    assert repr(url) in str(exc.value) and "http://127.0.0.1:8000" in str(exc.value)


def test_the_cli_says_so_in_one_line(no_endpoint: None) -> None:
    from click.testing import CliRunner

    from contactkit.cli import cli

    result = CliRunner().invoke(cli, ["list", "--org", "org-a", "--endpoint-url", "notaurl"])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    assert "'notaurl' is not an endpoint URL" in result.stderr
