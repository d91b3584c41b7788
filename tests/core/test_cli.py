"""The `salesdesk` command passes its options through to the management commands."""

import json

import pytest

from salesdesk import cli


def test_help_lists_every_subcommand(capsys):
    with pytest.raises(SystemExit):
        cli.main(["--help"])
    out = capsys.readouterr().out
    assert all(
        name in out for name in ("demo", "serve", "worker", "createadmin", "metrics", "import", "manage")
    )


@pytest.mark.django_db
def test_metrics_options_reach_the_metrics_command(org, capsys):
    cli.main(
        ["metrics", "--metric", "won_amount", "--by", "employee", "--period", "2026", "--format", "json"]
    )
    body = json.loads(capsys.readouterr().out)
    assert body["metric"] == "won_amount" and body["rows"] == []


@pytest.mark.django_db
def test_a_bad_metric_is_refused_with_exit_code_2(org, capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["metrics", "--metric", "nonsense", "--by", "employee", "--period", "2026"])
    assert exit_info.value.code == 2
