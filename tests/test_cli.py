"""The command line's parser: given the command about to run, it declares that command alone
and parses its arguments exactly as the whole parser does."""

from __future__ import annotations

import pytest

from soev_search import cli, operator_cli

EVERY_COMMAND = [*cli.COMMANDS, *operator_cli.COMMANDS]
# One command line per command, with options of its own.
COMMAND_LINES = {
    "show": ["show", "notat.txt", "--text"],
    "rebuild": ["rebuild", "--corpus", "c", "--index", "i", "--workers", "2"],
    "update": ["update", "--index", "i", "--backend", "whoosh"],
    "search": ["search", "kantine", "--municipality", "Aalborg", "--year-from", "2018",
               "--sort", "date", "--limit", "5", "--json"],
    "similar": ["similar", "abc123", "--limit", "3"],
    "stats": ["stats", "--json", "--index", "i"],
    "compare": ["compare", "--question", "2", "--municipality", "Aalborg"],
    "serve": ["serve", "--port", "8123", "--watch"],
    "add": ["add", "https://example.org", "--municipality", "Aalborg", "--no-update"],
    "watch": ["watch", "--workers", "1"],
}


def test_every_command_has_a_command_line_here():
    assert sorted(COMMAND_LINES) == sorted(EVERY_COMMAND)


@pytest.mark.parametrize("command", EVERY_COMMAND)
def test_the_parser_for_one_command_parses_it_as_the_whole_parser_does(command):
    argv = COMMAND_LINES[command]
    assert vars(cli.build_parser(command).parse_args(argv)) == vars(
        cli.build_parser().parse_args(argv))


def test_the_parser_for_one_command_declares_no_other(capsys):
    parser = cli.build_parser("search")
    with pytest.raises(SystemExit):
        parser.parse_args(COMMAND_LINES["stats"])
    assert "invalid choice: 'stats' (choose from 'search')" in capsys.readouterr().err


def test_help_lists_every_command_with_its_help(capsys):
    with pytest.raises(SystemExit) as exited:
        cli.main(["--help"])
    assert exited.value.code == 0
    out = capsys.readouterr().out
    for name, (help_text, _) in {**cli.COMMANDS, **operator_cli.COMMANDS}.items():
        assert name in out
        assert help_text.split()[0] in out


def test_a_misspelt_command_is_refused_naming_every_command(capsys):
    with pytest.raises(SystemExit) as exited:
        cli.main(["serach", "kantine"])
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert "invalid choice: 'serach'" in err
    assert all(f"'{name}'" in err for name in EVERY_COMMAND)
